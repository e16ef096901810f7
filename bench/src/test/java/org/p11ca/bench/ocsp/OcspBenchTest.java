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

  /** Runs `bench ocsp` with {@code options} on SoftHSM, short rounds; asserts it succeeded; its output lines. */
  static List<String> successfulRun(String... options) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> args = new java.util.ArrayList<>(List.of("--library", SoftHsm.library().toString(), "--repeats",
        "1", "--seconds", "0.3", "--warmup", "0"));
    args.addAll(List.of(options));
    int status = OcspBench.main(args.toArray(String[]::new), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(0, status, String.join("\n", lines));
    return lines;
  }

  @Test
  void answersWithAP256KeyAgainstThatKeysRawSignRate() {
    List<String> lines = successfulRun("--ca-key", "p256", "--concurrency", "1,2");
    String all = String.join("\n", lines);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("# setup: CA p256 key on token ")), all);
    for (int c : new int[] {1, 2}) {
      String raw = "^raw ca_key=p256 signer=ca op=raw-sign concurrency=" + c + " ops_per_s=[1-9]\\d* .*";
      String ocsp = "^ocsp ca_key=p256 signer=ca op=ocsp concurrency=" + c + " ops_per_s=[1-9]\\d* .*";
      assertTrue(lines.stream().anyMatch(l -> l.matches(raw)), all);
      assertTrue(lines.stream().anyMatch(l -> l.matches(ocsp)), all);
      assertTrue(lines.stream().anyMatch(l -> l.matches("^ratio concurrency=" + c + " ocsp/raw=\\d\\.\\d\\d$")), all);
    }
  }

  @Test
  void responderKeyOptionIsAbsentByDefault_andTakesTheTwoKeyTypes() {
    assertEquals(java.util.Optional.empty(), OcspBenchOptions.parse().responderKey());
    assertEquals("ca", OcspBenchOptions.parse().signerName());
    OcspBenchOptions delegated = OcspBenchOptions.parse("--responder-key", "p256");
    assertEquals("delegated-p256", delegated.signerName());
    assertEquals(CaKeyType.P256, delegated.signingKey());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OcspBenchOptions.parse("--responder-key", "dsa"));
    assertEquals("--responder-key takes rsa2048 or p256, not 'dsa'", e.getMessage());
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
