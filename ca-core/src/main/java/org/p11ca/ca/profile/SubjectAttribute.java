package org.p11ca.ca.profile;

import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** The subject attributes a profile may require of a requested name, by their usual short names. */
public enum SubjectAttribute {
  CN(BCStyle.CN),
  UID(BCStyle.UID),
  E(BCStyle.EmailAddress),
  O(BCStyle.O),
  OU(BCStyle.OU),
  SERIALNUMBER(BCStyle.SERIALNUMBER);

  private final ASN1ObjectIdentifier oid;

  SubjectAttribute(ASN1ObjectIdentifier oid) {
    this.oid = oid;
  }

  public ASN1ObjectIdentifier oid() {
    return oid;
  }

  public static Optional<SubjectAttribute> ofName(String name) {
    return Arrays.stream(values()).filter(a -> a.name().equalsIgnoreCase(name.trim())).findFirst();
  }
}
