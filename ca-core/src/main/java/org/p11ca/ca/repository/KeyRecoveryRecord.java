package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One key recovery as stored.
 *
 * @param serial the certificate whose archived key is asked for
 * @param requiredApprovals the number of approvals configured when it was asked for
 * @param requester the certificate of the agent who asked, the only one who may take the key
 * @param approvals in the order they were given
 * @param expiresAt after this, the recovery can no longer be approved or released
 */
public record KeyRecoveryRecord(
    long recoveryId,
    BigInteger serial,
    KeyRecoveryStatus status,
    int requiredApprovals,
    CertificateId requester,
    String requesterName,
    List<RecoveryApproval> approvals,
    Instant requestedAt,
    Instant updatedAt,
    Optional<Instant> releasedAt,
    Instant expiresAt) {

  public KeyRecoveryRecord {
    Objects.requireNonNull(serial);
    Objects.requireNonNull(status);
    Objects.requireNonNull(requester);
    Objects.requireNonNull(requesterName);
    approvals = List.copyOf(approvals);
    Objects.requireNonNull(requestedAt);
    Objects.requireNonNull(updatedAt);
    Objects.requireNonNull(releasedAt);
    Objects.requireNonNull(expiresAt);
  }

  /** PENDING or APPROVED, and not expired at {@code now}. */
  public boolean openAt(Instant now) {
    return (status == KeyRecoveryStatus.PENDING || status == KeyRecoveryStatus.APPROVED) && !now.isAfter(expiresAt);
  }

  public boolean approvedBy(CertificateId agent, String agentName) {
    return approvals.stream().anyMatch(a -> a.approver().equals(agent) || a.approverName().equals(agentName));
  }
}
