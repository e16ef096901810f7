package org.p11ca.ca.cmc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * encodedReqSequence is exactly what Dogtag MACed: recomputing the identityProofV2 witness (RFC 5272 section
 * 6.2.1; key = H(sharedSecret || identification), per the fixture README) over it reproduces the sent witness.
 */
class IdentityProofBytesTest {

  private static final String SHARED_SECRET = "MySharedSecret.42";

  private static byte[] witness(String fixture, String hash, String mac) throws Exception {
    PkiData d = DogtagFixtures.parse(fixture).pkiData();
    byte[] key = MessageDigest.getInstance(hash).digest((SHARED_SECRET + d.identification().orElseThrow())
        .getBytes(UTF_8));
    Mac hmac = Mac.getInstance(mac);
    hmac.init(new SecretKeySpec(key, mac));
    return hmac.doFinal(d.encodedReqSequence());
  }

  private static byte[] sent(String fixture) {
    return DogtagFixtures.parse(fixture).pkiData().identityProofV2().orElseThrow().witness();
  }

  @Test
  void encodedReqSequence_daveSha256_reproducesWitness() throws Exception {
    assertArrayEquals(sent("d_selfsigned_dave_idpv2_sha256"),
        witness("d_selfsigned_dave_idpv2_sha256", "SHA-256", "HmacSHA256"));
  }

  @Test
  void encodedReqSequence_daveSha512_reproducesWitness() throws Exception {
    assertArrayEquals(sent("d_selfsigned_dave_idpv2_sha512"),
        witness("d_selfsigned_dave_idpv2_sha512", "SHA-512", "HmacSHA512"));
  }

  @Test
  void encodedReqSequence_popLinkRequests_reproduceWitness() throws Exception {
    for (String f : new String[] {"e_selfsigned_dave_idpv2_plwv2_crmf", "e_selfsigned_dave_idpv2_plwv2_p10"}) {
      assertArrayEquals(sent(f), witness(f, "SHA-256", "HmacSHA256"), f);
    }
  }

  @Test
  void witness_overContentsOnly_doesNotMatch() throws Exception {
    PkiData d = DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256").pkiData();
    byte[] all = d.encodedReqSequence();
    byte[] key = MessageDigest.getInstance("SHA-256").digest((SHARED_SECRET + "dave").getBytes(UTF_8));
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(key, "HmacSHA256"));
    // 673 bytes: tag 30, length 82 02 9d, so the contents start at offset 4.
    byte[] contentsOnly = hmac.doFinal(Arrays.copyOfRange(all, 4, all.length));
    assertFalse(Arrays.equals(d.identityProofV2().orElseThrow().witness(), contentsOnly));
  }
}
