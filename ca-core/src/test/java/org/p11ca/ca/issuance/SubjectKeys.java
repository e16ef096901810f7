package org.p11ca.ca.issuance;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** Subscriber public keys for tests, generated in software (a subscriber's key is never on the CA's token). */
final class SubjectKeys {
  private SubjectKeys() {
  }

  static SubjectPublicKeyInfo rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return SubjectPublicKeyInfo.getInstance(g.generateKeyPair().getPublic().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static SubjectPublicKeyInfo ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return SubjectPublicKeyInfo.getInstance(g.generateKeyPair().getPublic().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
