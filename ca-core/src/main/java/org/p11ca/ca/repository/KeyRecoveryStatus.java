package org.p11ca.ca.repository;

/**
 * Where a key recovery stands: it moves forward only, PENDING to APPROVED to RELEASED, or to CANCELLED from either
 * open state. An open recovery past its expiry stays as it is, but nothing can be done with it.
 */
public enum KeyRecoveryStatus {
  /** Asked for; fewer approvals than required. */
  PENDING,
  /** Enough agents approved; the requester may take the key, once. */
  APPROVED,
  /** The requester has taken the key; nothing more happens to this recovery. */
  RELEASED,
  /** A KRA agent cancelled it before it was released; nothing more happens to this recovery. */
  CANCELLED
}
