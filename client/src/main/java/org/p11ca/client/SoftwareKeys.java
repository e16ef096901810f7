package org.p11ca.client;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.p11ca.hsm.KeyPairSpec;

/** New key pairs made in this process, for subscribers whose key lives in a PKCS#12 file. */
final class SoftwareKeys {
  private SoftwareKeys() {
  }

  static KeyPair generate(KeyPairSpec spec) {
    try {
      if (spec instanceof KeyPairSpec.Rsa rsa) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(rsa.modulusBits(), new SecureRandom());
        return g.generateKeyPair();
      }
      KeyPairSpec.Ec ec = (KeyPairSpec.Ec) spec;
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      // The JDK knows the RFC 5480 curves by their SEC names.
      g.initialize(new ECGenParameterSpec(switch (ec.curve()) {
        case P256 -> "secp256r1";
        case P384 -> "secp384r1";
      }), new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new CmcToolException("cannot generate a " + spec + " key pair: " + e.getMessage(), e);
    }
  }
}
