package org.p11ca.client;

import java.util.Locale;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.KeyPairSpec;

/** The --new-key values: rsa:2048, rsa:3072, ec:P-256, ec:P-384. */
final class NewKeyType {
  private NewKeyType() {
  }

  static final String CHOICES = "rsa:2048, rsa:3072, ec:P-256 or ec:P-384";

  static KeyPairSpec parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "rsa:2048", "rsa2048" -> new KeyPairSpec.Rsa(2048);
      case "rsa:3072", "rsa3072" -> new KeyPairSpec.Rsa(3072);
      case "ec:p-256", "ec:p256", "ec-p256" -> new KeyPairSpec.Ec(EcCurve.P256);
      case "ec:p-384", "ec:p384", "ec-p384" -> new KeyPairSpec.Ec(EcCurve.P384);
      default -> throw new UsageException("unknown key type '" + text + "': use " + CHOICES);
    };
  }
}
