package org.p11ca.ca.repository;

import java.util.Objects;

/** What {@link KeyRecoveryStore#approve} did, decided inside one write transaction. */
public sealed interface RecoveryApprovalResult {

  /**
   * The approval was recorded.
   *
   * @param after the recovery with this approval
   * @param becameApproved whether this approval moved it from PENDING to APPROVED
   */
  record Recorded(KeyRecoveryRecord after, boolean becameApproved) implements RecoveryApprovalResult {
    public Recorded {
      Objects.requireNonNull(after);
    }
  }

  /** This agent (by certificate or by name) had already approved it; nothing changed. */
  record AlreadyApproved(KeyRecoveryRecord current) implements RecoveryApprovalResult {
    public AlreadyApproved {
      Objects.requireNonNull(current);
    }
  }

  /** It was released already; nothing changed. */
  record AlreadyReleased(KeyRecoveryRecord current) implements RecoveryApprovalResult {
    public AlreadyReleased {
      Objects.requireNonNull(current);
    }
  }

  /** It was cancelled; nothing changed. */
  record Cancelled(KeyRecoveryRecord current) implements RecoveryApprovalResult {
    public Cancelled {
      Objects.requireNonNull(current);
    }
  }

  /** There is no recovery with that id. */
  record Unknown(long recoveryId) implements RecoveryApprovalResult {
  }
}
