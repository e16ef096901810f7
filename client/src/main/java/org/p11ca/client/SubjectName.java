package org.p11ca.client;

import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Parses a --subject such as "UID=bob,O=Example". */
final class SubjectName {
  private SubjectName() {
  }

  /**
   * RFC 4514 string order, most specific first, as the JDK and Dogtag's CRMFPopClient read it: "UID=bob,O=Example"
   * encodes O before UID, the order of the Dogtag fixtures.
   */
  static X500Name parse(String text) {
    X500Principal principal;
    try {
      principal = new X500Principal(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("not a distinguished name: '" + text + "' (use e.g. UID=bob,O=Example)");
    }
    if (principal.getEncoded().length <= 2) {
      throw new UsageException("the subject must not be empty");
    }
    return X500Name.getInstance(principal.getEncoded());
  }

  /**
   * A name typed as text the way Dogtag's CMCRequest and CMCRevoke encode a revokeRequest's issuerName: RFC 4514
   * order as {@link #parse}, each value as BC's X500 style types it, i.e. UTF8String (the DirectoryString RFC 5280
   * section 4.1.2.4 asks for) except where RFC 5280 fixes another type (PrintableString for C, IA5String for DC and
   * emailAddress). A value given as #hex is kept as it was encoded.
   */
  static X500Name parseAsUtf8(String text) {
    RDN[] rdns = parse(text).getRDNs();
    RDN[] retyped = new RDN[rdns.length];
    for (int i = 0; i < rdns.length; i++) {
      AttributeTypeAndValue[] values = rdns[i].getTypesAndValues();
      AttributeTypeAndValue[] converted = new AttributeTypeAndValue[values.length];
      for (int j = 0; j < values.length; j++) {
        converted[j] = retyped(values[j]);
      }
      retyped[i] = new RDN(converted);
    }
    return new X500Name(retyped);
  }

  private static AttributeTypeAndValue retyped(AttributeTypeAndValue value) {
    if (value.getValue() instanceof ASN1String string && !(value.getValue() instanceof ASN1BitString)
        && !string.getString().startsWith("#")) {
      return new AttributeTypeAndValue(value.getType(),
          BCStyle.INSTANCE.stringToValue(value.getType(), string.getString()));
    }
    return value;
  }

  /** RFC 2253 text of an encoded name, as Dogtag's tools print names (no spaces after commas). */
  static String format(X500Name name) {
    try {
      return new X500Principal(name.getEncoded()).getName();
    } catch (java.io.IOException | IllegalArgumentException e) {
      return name.toString();
    }
  }
}
