package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One certificate row. {@code certificate}, {@code notBefore} and {@code notAfter} are present once issued (and stay
 * present after revocation); a row revoked while still RESERVED never gets them. {@code tbsCertificate}, what was
 * reserved for the token to sign, is present until the certificate is stored, which then holds it.
 */
public record CertificateRecord(
    BigInteger serial,
    CertificateStatus status,
    Optional<Long> requestId,
    String profileId,
    String subjectDn,
    Optional<byte[]> tbsCertificate,
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
    tbsCertificate = tbsCertificate.map(byte[]::clone);
    certificate = certificate.map(byte[]::clone);
    Objects.requireNonNull(notBefore);
    Objects.requireNonNull(notAfter);
    Objects.requireNonNull(reservedAt);
    Objects.requireNonNull(issuedAt);
    Objects.requireNonNull(revocation);
  }

  /** The TBSCertificate reserved for signing, until the certificate is stored. */
  @Override
  public Optional<byte[]> tbsCertificate() {
    return tbsCertificate.map(byte[]::clone);
  }

  /** The DER certificate, once issued. */
  @Override
  public Optional<byte[]> certificate() {
    return certificate.map(byte[]::clone);
  }
}
