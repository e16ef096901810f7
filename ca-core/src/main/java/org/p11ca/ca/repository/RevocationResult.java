package org.p11ca.ca.repository;

/** The outcome of {@link CertificateStore#revoke}: a revocation is recorded once and never overwritten. */
public sealed interface RevocationResult {

  record Revoked(CertificateRecord certificate) implements RevocationResult {
  }

  /** The serial was already revoked; the first revocation stands unchanged. */
  record AlreadyRevoked(Revocation existing) implements RevocationResult {
  }

  record UnknownSerial() implements RevocationResult {
  }
}
