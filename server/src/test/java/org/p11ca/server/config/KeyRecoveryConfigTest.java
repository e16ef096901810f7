package org.p11ca.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.kra.KeyRecoveryPolicy;

/** The {@code kra} section and {@code keys.kraStorage}: defaults, and m outside 1..10 refused at load time. */
class KeyRecoveryConfigTest {

  @TempDir
  Path dir;

  private MinimalConfig config;

  @BeforeEach
  void files() throws Exception {
    config = new MinimalConfig(dir);
  }

  private ServerConfig load(String extra) {
    return config.load(extra);
  }

  @Test
  void withoutAKraSection_oneApprovalAndTheKraStorageLabel() {
    ServerConfig c = load("");
    assertEquals(new KeyRecoveryPolicy(1), c.keyRecovery());
    assertEquals("kra-storage", c.keys().kraStorage());
  }

  @Test
  void requiredApprovalsAndStorageLabel_areReadAsWritten() {
    ServerConfig c = load("kra: {requiredApprovals: 3}\nkeys: {kraStorage: kra-storage-2}\n");
    assertEquals(3, c.keyRecovery().requiredApprovals());
    assertEquals("kra-storage-2", c.keys().kraStorage());
  }

  @Test
  void requiredApprovalsOutside1To10_orAnUnknownKey_isRefused() {
    for (String bad : new String[] {"0", "11", "-1", "two"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> load("kra: {requiredApprovals: " + bad + "}\n"));
      assertEquals("kra.requiredApprovals", e.field(), e.getMessage());
    }
    ConfigException e = assertThrows(ConfigException.class, () -> load("kra: {approvals: 2}\n"));
    assertTrue(e.getMessage().contains("approvals"), e.getMessage());
  }

  @Test
  void recoveryLifetime_defaultsToADay_isReadAsWritten_andOutside5mTo30dIsRefused() {
    assertEquals(java.time.Duration.ofDays(1), load("").keyRecovery().lifetime());
    assertEquals(java.time.Duration.ofHours(4), load("kra: {recoveryLifetime: 4h}\n").keyRecovery().lifetime());
    for (String bad : new String[] {"1m", "31d", "soon"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> load("kra: {recoveryLifetime: " + bad + "}\n"));
      assertEquals("kra.recoveryLifetime", e.field(), e.getMessage());
    }
  }
}
