package org.p11ca.ca.audit;

import java.time.Duration;
import java.time.Instant;
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
 * @param rotateEvery likewise once the file's first record is this old, so that a quiet CA's audit still comes in
 *     files of a period an auditor can take away; zero: never
 */
public record CheckpointPolicy(int everyRecords, Duration maxInterval, boolean syncEveryRecord,
    long rotateAfterBytes, Duration rotateEvery) {

  /** 100 MiB, Dogtag's default maximum size of a signed audit log file. */
  public static final long DEFAULT_ROTATE_AFTER_BYTES = 100L * 1024 * 1024;
  /** 30 days, Dogtag's default rollover interval for the signed audit log (2592000 s). */
  public static final Duration DEFAULT_ROTATE_EVERY = Duration.ofDays(30);

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
    Objects.requireNonNull(rotateEvery);
    if (rotateEvery.isNegative()) {
      throw new IllegalArgumentException("rotateEvery must be zero (never) or positive");
    }
  }

  /** A policy that rotates at {@code rotateAfterBytes} or every {@link #DEFAULT_ROTATE_EVERY}. */
  public CheckpointPolicy(int everyRecords, Duration maxInterval, boolean syncEveryRecord, long rotateAfterBytes) {
    this(everyRecords, maxInterval, syncEveryRecord, rotateAfterBytes, DEFAULT_ROTATE_EVERY);
  }

  /** A policy that rotates at {@link #DEFAULT_ROTATE_AFTER_BYTES} or every {@link #DEFAULT_ROTATE_EVERY}. */
  public CheckpointPolicy(int everyRecords, Duration maxInterval, boolean syncEveryRecord) {
    this(everyRecords, maxInterval, syncEveryRecord, DEFAULT_ROTATE_AFTER_BYTES);
  }

  /** Whether a file of {@code bytes} whose first record was written at {@code firstRecordAt} is due to rotate. */
  boolean rotationDue(long bytes, Instant firstRecordAt, Instant now) {
    return rotateAfterBytes > 0 && bytes >= rotateAfterBytes
        || !rotateEvery.isZero() && Duration.between(firstRecordAt, now).compareTo(rotateEvery) >= 0;
  }

  public static CheckpointPolicy defaults() {
    return new CheckpointPolicy(1000, Duration.ofMinutes(5), false);
  }
}
