package org.p11ca.tokens;

import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;

/** Parses a --subject such as "CN=p11ca Root CA,O=p11ca". */
final class DistinguishedName {
  private DistinguishedName() {
  }

  /**
   * RFC 4514 string order, most specific first, as the JDK reads it: "CN=x,O=y" encodes O before CN, and
   * X509Certificate.getSubjectX500Principal().getName() gives back the string the operator typed.
   */
  static X500Name parse(String text) {
    X500Principal principal;
    try {
      principal = new X500Principal(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("not a distinguished name: '" + text + "' (use e.g. CN=Example CA,O=Example)");
    }
    if (principal.getEncoded().length <= 2) {
      throw new UsageException("the subject must not be empty");
    }
    return X500Name.getInstance(principal.getEncoded());
  }
}
