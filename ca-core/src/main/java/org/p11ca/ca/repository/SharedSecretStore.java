package org.p11ca.ca.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Shared secrets by identification; every state change is one conditional write, safe under concurrency. */
public interface SharedSecretStore {

  /**
   * Records a secret as the identification's ACTIVE one, in one transaction marking the previous ACTIVE one (if
   * any) REPLACED.
   *
   * @return the new record and the id of the secret it replaced
   */
  Created create(NewSharedSecret secret);

  record Created(SharedSecretRecord secret, Optional<Long> replaced) {
  }

  /** The identification's ACTIVE secret, expired or not. */
  Optional<SharedSecretRecord> active(String identification);

  /** The identification's newest secret in any status: the ACTIVE one if there is one. */
  Optional<SharedSecretRecord> latest(String identification);

  /**
   * Spends one use of an ACTIVE, unexpired secret that has uses left: of concurrent callers for a single-use secret
   * exactly one gets true. Reaching max_uses makes it USED.
   */
  boolean spend(long secretId, Instant now);

  /**
   * Counts a failed proof against an ACTIVE secret and locks it (LOCKED) when failures reach {@code lockAfter}.
   *
   * @return the secret's status afterwards (empty when it was not ACTIVE)
   */
  Optional<SharedSecretStatus> recordFailure(long secretId, int lockAfter, Instant now);

  /** Revokes the identification's ACTIVE secret; false when it has none. */
  boolean revoke(String identification, Instant now);

  /** Every secret, newest first, for the operator's list. */
  List<SharedSecretRecord> all();
}
