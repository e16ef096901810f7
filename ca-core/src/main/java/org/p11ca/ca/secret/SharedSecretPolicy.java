package org.p11ca.ca.secret;

import java.time.Duration;
import java.util.Objects;

/**
 * The CA's rules for shared secrets.
 *
 * @param defaultLifetime how long a new secret lives unless the operator says otherwise
 * @param maxLifetime the longest life an operator may give one
 * @param lockAfterFailures failed proofs after which a secret is locked (a guessing attacker gets this many tries)
 */
public record SharedSecretPolicy(Duration defaultLifetime, Duration maxLifetime, int lockAfterFailures) {

  public static final SharedSecretPolicy DEFAULT = new SharedSecretPolicy(Duration.ofDays(7), Duration.ofDays(90), 5);

  public SharedSecretPolicy {
    Objects.requireNonNull(defaultLifetime);
    Objects.requireNonNull(maxLifetime);
    if (defaultLifetime.isNegative() || defaultLifetime.isZero() || defaultLifetime.compareTo(maxLifetime) > 0) {
      throw new IllegalArgumentException("the default lifetime must be positive and at most the maximum");
    }
    if (lockAfterFailures < 1) {
      throw new IllegalArgumentException("lockAfterFailures must be at least 1");
    }
  }
}
