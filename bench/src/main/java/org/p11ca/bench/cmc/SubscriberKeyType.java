package org.p11ca.bench.cmc;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The software keys on the subscribers' side of a run ({@code --subscriber-key-type}): the signer certificates' keys
 * that sign the CMC requests, and the keys the requests ask to certify (with their signature POP). The CA's own
 * verifications follow them: RSA-2048 costs the CA a JDK RSA verification for the CMC signature and one for the
 * POP; P-256 two ECDSA verifications.
 */
enum SubscriberKeyType {
  RSA2048("SHA256withRSA"),
  P256("SHA256withECDSA");

  private final String signatureAlgorithm;

  SubscriberKeyType(String signatureAlgorithm) {
    this.signatureAlgorithm = signatureAlgorithm;
  }

  static SubscriberKeyType parse(String value) {
    for (SubscriberKeyType t : values()) {
      if (t.optionName().equals(value)) {
        return t;
      }
    }
    throw new IllegalArgumentException("--subscriber-key-type takes rsa2048 or p256, not '" + value + "'");
  }

  String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  KeyPair generate() {
    try {
      if (this == RSA2048) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make a " + optionName() + " key pair", e);
    }
  }

  /** A software signer for {@code keys}, which must be of this type. */
  ContentSigner signer(KeyPair keys) {
    try {
      return new JcaContentSignerBuilder(signatureAlgorithm).build(keys.getPrivate());
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("the JDK cannot sign with " + signatureAlgorithm, e);
    }
  }

  /** The type of {@code keys}: an RSA or an EC (P-256, as this bench makes them) key pair. */
  static SubscriberKeyType of(KeyPair keys) {
    return switch (keys.getPublic().getAlgorithm()) {
      case "RSA" -> RSA2048;
      case "EC" -> P256;
      default -> throw new IllegalArgumentException("not a bench subscriber key: " + keys.getPublic().getAlgorithm());
    };
  }
}
