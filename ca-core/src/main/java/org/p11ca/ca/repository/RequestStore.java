package org.p11ca.ca.repository;

import java.util.Optional;

/** The request queue the CMC front end and agents use. */
public interface RequestStore {

  /** Records a request under a new id (ids increase). */
  RequestRecord create(NewRequest request);

  /** @return the updated request, or empty when there is no such id */
  Optional<RequestRecord> updateStatus(long requestId, RequestStatus status);

  Optional<RequestRecord> find(long requestId);
}
