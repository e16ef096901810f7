package org.p11ca.bench.ocsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p11ca.bench.CaKeyType;
import org.p11ca.bench.FreshTokenDirectory;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * `bench ocsp` on a SoftHSM token with a P-256 CA key: every response checked before timing (status on record, CA
 * signature), then OCSP and the raw signature of the same key timed per concurrency.
 */
class OcspBenchTest {

  @BeforeAll
  static void freshTokenAndWorkDirectory() throws IOException {
    FreshTokenDirectory.prepare();
  }

  @Test
  void answersWithAP256KeyAgainstThatKeysRawSignRate() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = OcspBench.main(new String[] {"--library", SoftHsm.library().toString(), "--ca-key", "p256",
        "--concurrency", "1,2", "--repeats", "1", "--seconds", "0.3", "--warmup", "0"},
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    String all = String.join("\n", lines);
    assertEquals(0, status, all);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("# setup: CA p256 key on token ")), all);
    for (int c : new int[] {1, 2}) {
      String raw = "^raw ca_key=p256 op=raw-sign concurrency=" + c + " ops_per_s=[1-9]\\d* .*";
      String ocsp = "^ocsp ca_key=p256 op=ocsp concurrency=" + c + " ops_per_s=[1-9]\\d* .*";
      assertTrue(lines.stream().anyMatch(l -> l.matches(raw)), all);
      assertTrue(lines.stream().anyMatch(l -> l.matches(ocsp)), all);
      assertTrue(lines.stream().anyMatch(l -> l.matches("^ratio concurrency=" + c + " ocsp/raw=\\d\\.\\d\\d$")), all);
    }
  }

  @Test
  void caKeyOptionTakesTheTwoKeyTypes() {
    assertEquals(CaKeyType.RSA2048, OcspBenchOptions.parse().caKey());
    assertEquals(CaKeyType.P256, OcspBenchOptions.parse("--ca-key", "P256").caKey());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OcspBenchOptions.parse("--ca-key", "ed25519"));
    assertEquals("--ca-key takes rsa2048 or p256, not 'ed25519'", e.getMessage());
  }
}
