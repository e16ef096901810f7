package org.p11ca.ca.kra;

/**
 * How many KRA agents must approve a key recovery before its requester may take the key (m of the n agents; the
 * requester may be one of the m). Validated here so only a sane policy reaches {@link KeyRecovery}.
 */
public record KeyRecoveryPolicy(int requiredApprovals) {

  public static final int MIN_APPROVALS = 1;
  /** More than this many agents acting together is a ceremony, not an approval; the cap catches typos. */
  public static final int MAX_APPROVALS = 10;

  public KeyRecoveryPolicy {
    if (requiredApprovals < MIN_APPROVALS || requiredApprovals > MAX_APPROVALS) {
      throw new IllegalArgumentException("required approvals must be " + MIN_APPROVALS + " to " + MAX_APPROVALS
          + ", not " + requiredApprovals);
    }
  }

  /** One approval, which the requester may give: recovery by any one KRA agent. */
  public static KeyRecoveryPolicy defaults() {
    return new KeyRecoveryPolicy(1);
  }
}
