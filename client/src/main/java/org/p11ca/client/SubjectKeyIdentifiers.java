package org.p11ca.client;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** The SubjectKeyIdentifier a request asks for. */
final class SubjectKeyIdentifiers {
  private SubjectKeyIdentifiers() {
  }

  /**
   * RFC 5280 section 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. It is also what the token
   * layer uses as CKA_ID and what a self-signed CMC request names its signer by (RFC 5272 section 3.2.1.3.2).
   * Encoded the standard way (extnValue = OCTET STRING of an OCTET STRING), not CRMFPopClient's raw 20 bytes.
   */
  static Extension method1(SubjectPublicKeyInfo key) {
    try {
      return new Extension(Extension.subjectKeyIdentifier, false,
          new SubjectKeyIdentifier(method1Id(key)).getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory failed", e);
    }
  }

  /** The key identifier itself: SHA-1 of the subjectPublicKey BIT STRING contents. */
  static byte[] method1Id(SubjectPublicKeyInfo key) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(key.getPublicKeyData().getBytes());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from the JDK", e);
    }
  }
}
