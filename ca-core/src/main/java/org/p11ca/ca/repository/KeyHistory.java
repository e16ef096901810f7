package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * A public key's earlier certificates as the renewal rules see them ({@link CertificateStore#keyHistory}): one
 * example of each kind that matters, not the whole list, so asking stays cheap however often a key was renewed.
 *
 * @param otherSubject a certificate of this key issued (or revoked) for a subject other than the one asked about
 * @param revokedForSubject a revoked certificate of this key for the subject asked about
 * @param issuedForSubject a certificate of this key for the subject asked about that is issued and not revoked
 */
public record KeyHistory(Optional<Certified> otherSubject, Optional<Certified> revokedForSubject,
    Optional<Certified> issuedForSubject) {

  public KeyHistory {
    Objects.requireNonNull(otherSubject);
    Objects.requireNonNull(revokedForSubject);
    Objects.requireNonNull(issuedForSubject);
  }

  /** Never certified (reserved rows of failed attempts aside). */
  public boolean isEmpty() {
    return otherSubject.isEmpty() && revokedForSubject.isEmpty() && issuedForSubject.isEmpty();
  }

  /** One earlier certificate of the key. */
  public record Certified(BigInteger serial, String subjectDn, CertificateStatus status) {
    public Certified {
      Objects.requireNonNull(serial);
      Objects.requireNonNull(subjectDn);
      Objects.requireNonNull(status);
    }
  }
}
