package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CA is about to sign, stored under a freshly drawn serial before the token signs.
 *
 * @param tbsCertificate the DER TBSCertificate that will be signed
 * @param requestId the request this certificate answers, if it came from one
 * @param subjectKeyHash {@link SubjectKeyHash} of the certified key, by which renewal rules find it
 */
public record CertificateReservation(
    BigInteger serial,
    Optional<Long> requestId,
    String profileId,
    String subjectDn,
    byte[] tbsCertificate,
    Optional<String> subjectKeyHash) {

  /** A reservation not findable by key (no renewal rule will see it). */
  public CertificateReservation(BigInteger serial, Optional<Long> requestId, String profileId, String subjectDn,
      byte[] tbsCertificate) {
    this(serial, requestId, profileId, subjectDn, tbsCertificate, Optional.empty());
  }

  public CertificateReservation {
    SerialHex.of(serial);
    Objects.requireNonNull(requestId);
    Objects.requireNonNull(profileId);
    Objects.requireNonNull(subjectDn);
    tbsCertificate = tbsCertificate.clone();
    Objects.requireNonNull(subjectKeyHash);
  }

  @Override
  public byte[] tbsCertificate() {
    return tbsCertificate.clone();
  }
}
