package org.p11ca.ca.kra;

/** Where a key recovery's approvals stand after an approval. */
public record RecoveryApprovals(long recoveryId, int approvals, int required) {

  /** Whether the requester may now take the key. */
  public boolean complete() {
    return approvals >= required;
  }
}
