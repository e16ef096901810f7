package org.p11ca.hsm;

/** The algorithm and size of a key pair to generate. */
public sealed interface KeyPairSpec {

  record Rsa(int modulusBits) implements KeyPairSpec {
    public Rsa {
      // Below 2048 bits RSA is no longer acceptable for CA or subscriber keys (NIST SP 800-131A).
      if (modulusBits < 2048 || modulusBits > 8192 || modulusBits % 8 != 0) {
        throw new IllegalArgumentException("RSA key size must be a multiple of 8 in 2048..8192, not " + modulusBits);
      }
    }

    @Override
    public String toString() {
      return "RSA-" + modulusBits;
    }
  }

  record Ec(EcCurve curve) implements KeyPairSpec {
    @Override
    public String toString() {
      return "EC-" + curve;
    }
  }

  /** Parses "rsa2048", "rsa:3072", "ec-p256", "p384"... */
  static KeyPairSpec parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT).replace(":", "").replace("-", "");
    if (t.startsWith("rsa")) {
      try {
        return new Rsa(Integer.parseInt(t.substring(3)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad RSA key spec '" + text + "': use e.g. rsa2048");
      }
    }
    if (t.startsWith("ec")) {
      t = t.substring(2);
    }
    return new Ec(EcCurve.parse(t));
  }
}
