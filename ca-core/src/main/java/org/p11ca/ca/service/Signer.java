package org.p11ca.ca.service;

import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Who stands behind a request once authentication passed: the certificate (this CA's, valid, not revoked) and
 * whether it is an agent's. {@code subjectId} is what audit events name.
 */
record Signer(X509CertificateHolder certificate, boolean agent) {

  Signer {
    Objects.requireNonNull(certificate);
  }

  String subjectId() {
    return certificate.getSubject().toString();
  }
}
