package org.p11ca.ca.pop;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.p11ca.ca.cmc.DecryptedPop;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.EncryptedPopPolicy;
import org.p11ca.ca.proof.Verdict;

/**
 * Round 2 of RFC 5272 section 6.7: thePOP must be HMAC-SHA256 keyed with the challenge over the stored TaggedRequest
 * bytes (Dogtag's CMCRequest computes exactly this; for the RFC format this CA names hmacWithSHA256 in thePOPAlgID,
 * and the RFC leaves "the request" to the parties). Compared in constant time.
 */
public final class DecryptedPopCheck {

  private DecryptedPopCheck() {
  }

  public static Verdict check(EncryptedPopPolicy.Format format, byte[] challenge, byte[] taggedRequest,
      DecryptedPop answer) {
    if (format == EncryptedPopPolicy.Format.RFC
        && !EncryptedPopChallenger.RFC_POP_ALGORITHM.getAlgorithm().equals(answer.popAlgorithm().getAlgorithm())) {
      return Verdict.refuse(FailInfo.POP_FAILED, "thePOPAlgID " + answer.popAlgorithm().getAlgorithm()
          + " is not the hmacWithSHA256 the challenge named (RFC 5272 section 6.7: it is copied from the"
          + " encryptedPOP)");
    }
    if (format == EncryptedPopPolicy.Format.DOGTAG
        && !NISTObjectIdentifiers.id_aes128_CBC.equals(answer.popAlgorithm().getAlgorithm())) {
      return Verdict.refuse(FailInfo.POP_FAILED, "thePOPAlgID " + answer.popAlgorithm().getAlgorithm()
          + " is not the aes128-CBC the challenge named");
    }
    byte[] expected = hmacSha256(challenge, taggedRequest);
    // MessageDigest.isEqual compares in time independent of where the first difference is.
    if (!MessageDigest.isEqual(expected, answer.pop())) {
      return Verdict.refuse(FailInfo.POP_FAILED, "the DecryptedPOP proof does not match the challenge: the key"
          + " that decrypted it is not the requested key, or the request was changed");
    }
    return Verdict.pass();
  }

  static byte[] hmacSha256(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
