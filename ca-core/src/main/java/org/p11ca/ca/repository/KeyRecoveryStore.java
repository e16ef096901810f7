package org.p11ca.ca.repository;

import java.util.Optional;

/** Key recovery requests and their approvals. Every state change is one write transaction. */
public interface KeyRecoveryStore {

  /** Records a PENDING recovery under a new id (drawn inside the write transaction) and returns it. */
  KeyRecoveryRecord create(NewKeyRecovery recovery);

  Optional<KeyRecoveryRecord> find(long recoveryId);

  /**
   * Adds {@code approver}'s approval, at most once per agent certificate and per agent name, unless the recovery
   * is released; moves it to APPROVED once it has {@code requiredApprovals}.
   */
  RecoveryApprovalResult approve(long recoveryId, CertificateId approver, String approverName,
      int requiredApprovals);

  /**
   * Marks the recovery RELEASED if it is still open at {@code now} (PENDING or APPROVED, not expired) and has at
   * least {@code requiredApprovals}, checked and changed in one statement, so two concurrent releases (or a release
   * and a cancellation) cannot both succeed.
   *
   * @return whether this call released it
   */
  boolean markReleased(long recoveryId, int requiredApprovals, java.time.Instant now);

  /**
   * Marks the recovery CANCELLED if it is PENDING or APPROVED, checked and changed in one statement.
   *
   * @return whether this call cancelled it
   */
  boolean cancel(long recoveryId);

  /** The recoveries still open at {@code now} (PENDING or APPROVED, not expired), oldest first. */
  java.util.List<KeyRecoveryRecord> listOpen(java.time.Instant now);
}
