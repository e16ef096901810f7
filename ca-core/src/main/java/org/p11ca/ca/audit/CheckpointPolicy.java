package org.p11ca.ca.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * When the log signs a checkpoint: after {@code everyRecords} records, or with the first append once
 * {@code maxInterval} has passed since the last checkpoint; always on close. Records after the last checkpoint are
 * chained but not yet signed, so these bound how much an attacker with write access could rewrite undetected.
 *
 * @param syncEveryRecord fsync after every record, not only at checkpoints (slower; survives power loss per record)
 * @param rotateAfterBytes once the file has grown to this size, the next checkpoint closes it and the log goes on
 *     in a new file ({@link AuditLogFiles}); 0: never. Bounds what a start of the CA verifies, and lets an operator
 *     archive old files.
 */
public record CheckpointPolicy(int everyRecords, Duration maxInterval, boolean syncEveryRecord,
    long rotateAfterBytes) {

  /** 100 MiB, Dogtag's default maximum size of a signed audit log file. */
  public static final long DEFAULT_ROTATE_AFTER_BYTES = 100L * 1024 * 1024;

  public CheckpointPolicy {
    Objects.requireNonNull(maxInterval);
    if (everyRecords < 1) {
      throw new IllegalArgumentException("everyRecords must be at least 1");
    }
    if (maxInterval.isNegative() || maxInterval.isZero()) {
      throw new IllegalArgumentException("maxInterval must be positive");
    }
    if (rotateAfterBytes < 0) {
      throw new IllegalArgumentException("rotateAfterBytes must be 0 (never) or positive");
    }
  }

  /** A policy that rotates at {@link #DEFAULT_ROTATE_AFTER_BYTES}. */
  public CheckpointPolicy(int everyRecords, Duration maxInterval, boolean syncEveryRecord) {
    this(everyRecords, maxInterval, syncEveryRecord, DEFAULT_ROTATE_AFTER_BYTES);
  }

  public static CheckpointPolicy defaults() {
    return new CheckpointPolicy(1000, Duration.ofMinutes(5), false);
  }
}
