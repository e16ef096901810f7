package org.p11ca.ca.service;

import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.cmc.DistinguishedNames;

/**
 * Who stands behind a request once authentication passed: the certificate (this CA's, valid, not revoked) and
 * whether it is an agent's. {@code subjectId} is what audit events name.
 */
record Signer(X509CertificateHolder certificate, boolean agent) {

  Signer {
    Objects.requireNonNull(certificate);
  }

  String subjectId() {
    return DistinguishedNames.rfc4514(certificate.getSubject());
  }
}
