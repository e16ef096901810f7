package org.p11ca.ca.proof;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Whether the subjectKeyIdentifier a self-signed request's SignerInfo names (RFC 5272 section 3.2.1.3.2) is that
 * request's key: the identifier must be one a CA derives from the key (RFC 5280 section 4.2.1.2 methods 1 and 2,
 * RFC 7093 methods 1 to 3, all over the subjectPublicKey BIT STRING contents), and when the request asks for an
 * SKI extension, it must be that same value. The signature check then shows the named key made the signature.
 */
public final class SelfSignedKeyId {

  private SelfSignedKeyId() {
  }

  public static boolean names(byte[] signerKeyId, SubjectPublicKeyInfo key, Optional<byte[]> requestedKeyId) {
    if (requestedKeyId.isPresent() && !MessageDigest.isEqual(requestedKeyId.get(), signerKeyId)) {
      return false;
    }
    byte[] bits = key.getPublicKeyData().getBytes();
    byte[] sha1 = digest("SHA-1", bits);
    if (MessageDigest.isEqual(sha1, signerKeyId)) {
      return true;
    }
    // Method 2: 0100 followed by the least significant 60 bits of the SHA-1.
    byte[] method2 = Arrays.copyOfRange(sha1, sha1.length - 8, sha1.length);
    method2[0] = (byte) ((method2[0] & 0x0f) | 0x40);
    if (MessageDigest.isEqual(method2, signerKeyId)) {
      return true;
    }
    for (String hash : new String[] {"SHA-256", "SHA-384", "SHA-512"}) {
      if (MessageDigest.isEqual(Arrays.copyOf(digest(hash, bits), 20), signerKeyId)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from the JDK", e);
    }
  }
}
