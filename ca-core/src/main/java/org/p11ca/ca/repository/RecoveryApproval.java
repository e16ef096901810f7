package org.p11ca.ca.repository;

import java.time.Instant;
import java.util.Objects;

/** One agent's approval of a key recovery, by the certificate the agent acted with. */
public record RecoveryApproval(CertificateId approver, String approverName, Instant approvedAt) {
  public RecoveryApproval {
    Objects.requireNonNull(approver);
    Objects.requireNonNull(approverName);
    Objects.requireNonNull(approvedAt);
  }
}
