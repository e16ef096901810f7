package org.p11ca.ca.repository;

/** Where a key recovery stands: it moves forward only, PENDING to APPROVED to RELEASED. */
public enum KeyRecoveryStatus {
  /** Asked for; fewer approvals than required. */
  PENDING,
  /** Enough agents approved; the requester may take the key, once. */
  APPROVED,
  /** The requester has taken the key; nothing more happens to this recovery. */
  RELEASED
}
