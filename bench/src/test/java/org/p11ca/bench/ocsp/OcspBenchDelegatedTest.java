package org.p11ca.bench.ocsp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p11ca.bench.FreshTokenDirectory;

/** `bench ocsp --responder-key`: a class of its own, as each run makes its token on a fresh token directory. */
class OcspBenchDelegatedTest {

  @BeforeAll
  static void freshTokenAndWorkDirectory() throws IOException {
    FreshTokenDirectory.prepare();
  }

  /**
   * A delegated P-256 responder under an RSA CA: the check before timing (in the bench) holds every response to the
   * responder's signature, and the raw trial signs with the responder's key, what each response costs.
   */
  @Test
  void answersAsADelegatedResponderAgainstThatKeysRawSignRate() {
    List<String> lines = OcspBenchTest.successfulRun("--responder-key", "p256", "--concurrency", "2");
    String all = String.join("\n", lines);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("# setup: CA rsa2048 key on token ")
        && l.contains("delegated responder's p256 key")), all);
    assertTrue(lines.stream().anyMatch(l -> l.matches(
        "^raw ca_key=rsa2048 signer=delegated-p256 op=raw-sign concurrency=2 ops_per_s=[1-9]\\d* .*")), all);
    assertTrue(lines.stream().anyMatch(l -> l.matches(
        "^ocsp ca_key=rsa2048 signer=delegated-p256 op=ocsp concurrency=2 ops_per_s=[1-9]\\d* .*")), all);
  }
}
