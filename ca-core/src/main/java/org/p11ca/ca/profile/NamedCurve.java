package org.p11ca.ca.profile;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;

/**
 * The EC curves a subscriber key may use: the NIST curves of RFC 5480 section 2.1.1.1 that every relying party
 * supports. P-521 is left out on purpose (browsers dropped it); anything else is refused.
 */
public enum NamedCurve {
  P256("P-256", SECObjectIdentifiers.secp256r1),
  P384("P-384", SECObjectIdentifiers.secp384r1);

  private final String displayName;
  private final ASN1ObjectIdentifier oid;

  NamedCurve(String displayName, ASN1ObjectIdentifier oid) {
    this.displayName = displayName;
    this.oid = oid;
  }

  public String displayName() {
    return displayName;
  }

  public ASN1ObjectIdentifier oid() {
    return oid;
  }

  public static Optional<NamedCurve> ofName(String name) {
    return Arrays.stream(values()).filter(c -> c.displayName.equalsIgnoreCase(name.trim())).findFirst();
  }

  public static Optional<NamedCurve> ofOid(ASN1ObjectIdentifier oid) {
    return Arrays.stream(values()).filter(c -> c.oid.equals(oid)).findFirst();
  }

  static String allNames() {
    return Arrays.stream(values()).map(NamedCurve::displayName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return displayName;
  }
}
