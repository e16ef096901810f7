package org.p11ca.ca.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * When the log signs a checkpoint: after {@code everyRecords} records, or with the first append once
 * {@code maxInterval} has passed since the last checkpoint; always on close. Records after the last checkpoint are
 * chained but not yet signed, so these bound how much an attacker with write access could rewrite undetected.
 *
 * @param syncEveryRecord fsync after every record, not only at checkpoints (slower; survives power loss per record)
 */
public record CheckpointPolicy(int everyRecords, Duration maxInterval, boolean syncEveryRecord) {

  public CheckpointPolicy {
    Objects.requireNonNull(maxInterval);
    if (everyRecords < 1) {
      throw new IllegalArgumentException("everyRecords must be at least 1");
    }
    if (maxInterval.isNegative() || maxInterval.isZero()) {
      throw new IllegalArgumentException("maxInterval must be positive");
    }
  }

  public static CheckpointPolicy defaults() {
    return new CheckpointPolicy(1000, Duration.ofMinutes(5), false);
  }
}
