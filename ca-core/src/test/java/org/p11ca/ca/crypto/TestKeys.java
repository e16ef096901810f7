package org.p11ca.ca.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Software key pairs for the verifier tests, made once per test JVM. */
final class TestKeys {

  static final KeyPair RSA = rsa();
  static final KeyPair P256 = p256();
  static final KeyPair OTHER_P256 = p256();

  private TestKeys() {
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static KeyPair p256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
