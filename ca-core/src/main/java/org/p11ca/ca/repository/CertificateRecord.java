package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One certificate row. {@code certificate}, {@code notBefore} and {@code notAfter} are present once issued (and stay
 * present after revocation); a row revoked while still RESERVED never gets them.
 */
public record CertificateRecord(
    BigInteger serial,
    CertificateStatus status,
    Optional<Long> requestId,
    String profileId,
    String subjectDn,
    byte[] tbsCertificate,
    Optional<byte[]> certificate,
    Optional<Instant> notBefore,
    Optional<Instant> notAfter,
    Instant reservedAt,
    Optional<Instant> issuedAt,
    Optional<Revocation> revocation) {

  public CertificateRecord {
    Objects.requireNonNull(serial);
    Objects.requireNonNull(status);
    Objects.requireNonNull(requestId);
    Objects.requireNonNull(profileId);
    Objects.requireNonNull(subjectDn);
    tbsCertificate = tbsCertificate.clone();
    certificate = certificate.map(byte[]::clone);
    Objects.requireNonNull(notBefore);
    Objects.requireNonNull(notAfter);
    Objects.requireNonNull(reservedAt);
    Objects.requireNonNull(issuedAt);
    Objects.requireNonNull(revocation);
  }

  @Override
  public byte[] tbsCertificate() {
    return tbsCertificate.clone();
  }

  /** The DER certificate, once issued. */
  @Override
  public Optional<byte[]> certificate() {
    return certificate.map(byte[]::clone);
  }
}
