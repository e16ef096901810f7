package org.p11ca.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;

/** Builds a PKCS#10 request (RFC 2986) signed by its own key, as PKCS10Client does. */
final class Pkcs10Requests {
  private Pkcs10Requests() {
  }

  /**
   * The requested extensions go in one extensionRequest attribute (RFC 2985 section 5.4.2): subjectAltName dNSNames
   * when given, and a SubjectKeyIdentifier when asked for (PKCS10Client -y).
   */
  static PKCS10CertificationRequest build(X500Name subject, RequestKey key, List<GeneralName> dnsNames,
      boolean withSki) {
    PKCS10CertificationRequestBuilder builder = new PKCS10CertificationRequestBuilder(subject, key.publicKeyInfo());
    List<Extension> extensions = new ArrayList<>();
    if (!dnsNames.isEmpty()) {
      try {
        extensions.add(new Extension(Extension.subjectAlternativeName, false,
            new GeneralNames(dnsNames.toArray(GeneralName[]::new)).getEncoded()));
      } catch (IOException e) {
        throw new IllegalStateException("DER encoding to memory failed", e);
      }
    }
    if (withSki) {
      extensions.add(SubjectKeyIdentifiers.method1(key.publicKeyInfo()));
    }
    if (!extensions.isEmpty()) {
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
          new Extensions(extensions.toArray(Extension[]::new)));
    }
    return builder.build(key.signer());
  }

  /** Checked before any key is made, so a typo costs no key pair. */
  static List<GeneralName> dnsNames(List<String> names) {
    return names.stream().map(Pkcs10Requests::dnsName).toList();
  }

  private static GeneralName dnsName(String name) {
    String n = name.trim();
    // RFC 5280 section 4.2.1.6: a dNSName is an IA5String in preferred name syntax; refuse what cannot be one.
    if (n.isEmpty() || !n.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
      throw new UsageException("not a DNS name: '" + name + "'");
    }
    return new GeneralName(GeneralName.dNSName, n);
  }
}
