package org.p11ca.server.tls;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The CA issuing a certificate on an operator's say-so, through a profile and audited (in production
 * {@code CmcService.enrollByOperator}). The server uses it once, for its own TLS certificate.
 */
@FunctionalInterface
public interface OperatorEnrollment {

  /** @throws org.p11ca.ca.error.CaException when the profile refuses the request or issuance fails */
  X509CertificateHolder enroll(PKCS10CertificationRequest csr, String profileId, String operator);
}
