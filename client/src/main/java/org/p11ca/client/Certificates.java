package org.p11ca.client;

import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/** Between the JDK's and Bouncy Castle's certificate types, and what kind of certificate one is. */
final class Certificates {
  private Certificates() {
  }

  static X509CertificateHolder holder(X509Certificate c) {
    try {
      return new JcaX509CertificateHolder(c);
    } catch (CertificateEncodingException e) {
      throw new CmcToolException("cannot encode certificate '" + c.getSubjectX500Principal().getName() + "'", e);
    }
  }

  static X509Certificate x509(X509CertificateHolder holder) {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new CmcToolException("cannot decode certificate '" + holder.getSubject() + "': " + e.getMessage(), e);
    }
  }

  /** A CA certificate has basicConstraints cA TRUE (RFC 5280 section 4.2.1.9); everything else is end-entity. */
  static boolean isCa(X509CertificateHolder cert) {
    Extension bc = cert.getExtension(Extension.basicConstraints);
    return bc != null && BasicConstraints.getInstance(bc.getParsedValue()).isCA();
  }
}
