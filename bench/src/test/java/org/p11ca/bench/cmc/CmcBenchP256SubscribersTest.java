package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p11ca.bench.FreshTokenDirectory;

/**
 * `bench cmc --subscriber-key-type p256` in process: subscribers with P-256 signer certificates ask for P-256 keys,
 * and every answer certifies the key its request asked for. A class of its own: it empties the token directory,
 * which only a JVM that has not opened the token may do (FreshTokenDirectory).
 */
class CmcBenchP256SubscribersTest {

  private static final Pattern CMC_LINE = Pattern.compile("^cmc ca_key=rsa2048 transport=in-process concurrency=2"
      + " issued_per_s=([0-9.]+) .* issued=(\\d+) failed=0 .* subscriber_keys=fresh subscriber_key_type=p256 .*$");

  @BeforeAll
  static void freshTokenAndWorkDirectory() throws IOException {
    FreshTokenDirectory.prepare();
  }

  @Test
  void p256Subscribers_eachAnswerCertifiesTheRequestedEcKey() {
    // Every answer was checked (IssuedResponse): SUCCESS, both signatures, and a certificate of the requested key;
    // one that was not fails the run.
    InProcessRun run = InProcessRun.of("--subscriber-key-type", "p256", "--subscriber-keys", "fresh");
    assertTrue(Integer.parseInt(run.find(CMC_LINE, "in-process cmc line for P-256 subscribers").group(2)) > 0,
        run.all);
  }
}
