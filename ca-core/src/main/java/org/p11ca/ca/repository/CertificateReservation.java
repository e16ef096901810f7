package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CA is about to sign, stored under a freshly drawn serial before the token signs.
 *
 * @param tbsCertificate the DER TBSCertificate that will be signed
 * @param requestId the request this certificate answers, if it came from one
 */
public record CertificateReservation(
    BigInteger serial,
    Optional<Long> requestId,
    String profileId,
    String subjectDn,
    byte[] tbsCertificate) {

  public CertificateReservation {
    SerialHex.of(serial);
    Objects.requireNonNull(requestId);
    Objects.requireNonNull(profileId);
    Objects.requireNonNull(subjectDn);
    tbsCertificate = tbsCertificate.clone();
  }

  @Override
  public byte[] tbsCertificate() {
    return tbsCertificate.clone();
  }
}
