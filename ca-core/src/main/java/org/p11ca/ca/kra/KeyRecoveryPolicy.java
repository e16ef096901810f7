package org.p11ca.ca.kra;

/**
 * How many KRA agents must approve a key recovery before its requester may take the key (m of the n agents; the
 * requester may be one of the m), and how long a recovery stays open for approvals and the release. Validated here
 * so only a sane policy reaches {@link KeyRecovery}.
 */
public record KeyRecoveryPolicy(int requiredApprovals, java.time.Duration lifetime) {

  public static final int MIN_APPROVALS = 1;
  /** More than this many agents acting together is a ceremony, not an approval; the cap catches typos. */
  public static final int MAX_APPROVALS = 10;
  public static final java.time.Duration DEFAULT_LIFETIME = java.time.Duration.ofDays(1);
  public static final java.time.Duration MIN_LIFETIME = java.time.Duration.ofMinutes(5);
  /** An approval a month old says little about today; longer than this is refused as a likely typo. */
  public static final java.time.Duration MAX_LIFETIME = java.time.Duration.ofDays(30);

  public KeyRecoveryPolicy {
    if (requiredApprovals < MIN_APPROVALS || requiredApprovals > MAX_APPROVALS) {
      throw new IllegalArgumentException("required approvals must be " + MIN_APPROVALS + " to " + MAX_APPROVALS
          + ", not " + requiredApprovals);
    }
    java.util.Objects.requireNonNull(lifetime);
    if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("a key recovery's lifetime must be " + MIN_LIFETIME + " to " + MAX_LIFETIME
          + ", not " + lifetime);
    }
  }

  public KeyRecoveryPolicy(int requiredApprovals) {
    this(requiredApprovals, DEFAULT_LIFETIME);
  }

  /** One approval, which the requester may give: recovery by any one KRA agent, within a day of asking. */
  public static KeyRecoveryPolicy defaults() {
    return new KeyRecoveryPolicy(1);
  }
}
