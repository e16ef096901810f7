package org.p11ca.client;

import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;

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
      throw new IllegalArgumentException("not a distinguished name: '" + text + "' (use e.g. UID=bob,O=Example)");
    }
    if (principal.getEncoded().length <= 2) {
      throw new IllegalArgumentException("the subject must not be empty");
    }
    return X500Name.getInstance(principal.getEncoded());
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
