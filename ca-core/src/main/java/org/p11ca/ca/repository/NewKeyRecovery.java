package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.util.Objects;

/** A key recovery to record, PENDING, with no approvals yet. */
public record NewKeyRecovery(BigInteger serial, CertificateId requester, String requesterName,
    int requiredApprovals, java.time.Instant expiresAt) {

  public NewKeyRecovery {
    SerialHex.of(serial);
    Objects.requireNonNull(requester);
    Objects.requireNonNull(requesterName);
    Objects.requireNonNull(expiresAt);
    if (requiredApprovals < 1) {
      throw new IllegalArgumentException("a key recovery needs at least one approval, not " + requiredApprovals);
    }
  }
}
