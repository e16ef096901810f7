package org.p11ca.ca.issuance;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
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

  /**
   * An RSA public key with the given numbers, whatever they are: for keys no generator makes, such as a modulus
   * with a small factor.
   */
  static SubjectPublicKeyInfo rsa(BigInteger modulus, BigInteger exponent) {
    try {
      return new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
          new RSAPublicKey(modulus, exponent));
    } catch (IOException e) {
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
