package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CmcBenchOptionsTest {

  @Test
  void transport_isHttpsUnlessAskedForInProcess() {
    assertEquals(CmcBenchOptions.Transport.HTTPS, CmcBenchOptions.parse().transport());
    assertEquals(CmcBenchOptions.Transport.IN_PROCESS, CmcBenchOptions.parse("--transport", "in-process").transport());
    assertEquals(CmcBenchOptions.Transport.HTTPS, CmcBenchOptions.parse("--transport", "https").transport());
  }

  @Test
  void transport_unknownNameIsRefusedWithTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CmcBenchOptions.parse("--transport", "http"));
    assertEquals("--transport takes https or in-process, not 'http'", e.getMessage());
  }

  @Test
  void subscriberKeyType_isRsaUnlessAskedForP256() {
    assertEquals(SubscriberKeyType.RSA2048, CmcBenchOptions.parse().subscriberKeyType());
    assertEquals(SubscriberKeyType.P256, CmcBenchOptions.parse("--subscriber-key-type", "p256").subscriberKeyType());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CmcBenchOptions.parse("--subscriber-key-type", "ed25519"));
    assertEquals("--subscriber-key-type takes rsa2048 or p256, not 'ed25519'", e.getMessage());
  }
}
