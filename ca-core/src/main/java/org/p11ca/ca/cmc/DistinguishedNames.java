package org.p11ca.ca.cmc;

import java.io.IOException;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Distinguished names as people read them in audit records, request rows and status strings: the RFC 4514 string
 * (most specific RDN first, {@code UID=bob,O=Example}), the form Dogtag logs and the JDK's TLS layer gives for a
 * client certificate, so one subject reads the same in every record. Bouncy Castle's own {@code toString} prints
 * RDNs in encoding order instead, which would make the same name look different across records.
 */
public final class DistinguishedNames {

  private DistinguishedNames() {
  }

  public static String rfc4514(X500Name name) {
    try {
      return new X500Principal(name.getEncoded()).getName(X500Principal.RFC2253);
    } catch (IOException | IllegalArgumentException e) {
      // A name the JDK cannot parse (an unusual string type) is still shown, in encoding order.
      return name.toString();
    }
  }
}
