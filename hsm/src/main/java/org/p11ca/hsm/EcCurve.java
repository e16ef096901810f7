package org.p11ca.hsm;

import java.util.HexFormat;

/** The EC curves a CA key may use (RFC 5480 named curves). */
public enum EcCurve {
  P256("1.2.840.10045.3.1.7", 256, "06082a8648ce3d030107"),
  P384("1.3.132.0.34", 384, "06052b81040022");

  private final String oid;
  private final int bits;
  private final String derHex;

  EcCurve(String oid, int bits, String derHex) {
    this.oid = oid;
    this.bits = bits;
    this.derHex = derHex;
  }

  public String oid() {
    return oid;
  }

  public int bits() {
    return bits;
  }

  /** DER of the namedCurve OBJECT IDENTIFIER: the CKA_EC_PARAMS value. */
  public byte[] ecParams() {
    return HexFormat.of().parseHex(derHex);
  }

  public static java.util.Optional<EcCurve> fromEcParams(byte[] der) {
    String hex = HexFormat.of().formatHex(der);
    for (EcCurve c : values()) {
      if (c.derHex.equals(hex)) {
        return java.util.Optional.of(c);
      }
    }
    return java.util.Optional.empty();
  }

  public static EcCurve parse(String name) {
    return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "p256", "p-256", "secp256r1", "prime256v1", "nistp256" -> P256;
      case "p384", "p-384", "secp384r1", "nistp384" -> P384;
      default -> throw new IllegalArgumentException("unsupported curve '" + name + "': use P-256 or P-384");
    };
  }
}
