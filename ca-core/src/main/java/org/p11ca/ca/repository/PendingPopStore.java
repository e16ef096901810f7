package org.p11ca.ca.repository;

import java.util.Optional;

/** EncryptedPOP challenges between round 1 and round 2. */
public interface PendingPopStore {

  /** Stores the challenge of a recorded request; a request is challenged once. */
  void save(PendingPop pending);

  /**
   * Removes and returns the challenge of {@code requestId} in one transaction, so of two concurrent (or replayed)
   * answers at most one gets it; the other finds nothing.
   */
  Optional<PendingPop> take(long requestId);
}
