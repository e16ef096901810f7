package org.p11ca.ca.repository;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One stored request; {@code id} is the ReqID that audit events and responses quote. */
public record RequestRecord(
    long id,
    RequestStatus status,
    String profileId,
    String subjectDn,
    String requester,
    Optional<String> transactionId,
    Instant createdAt,
    Instant updatedAt) {

  public RequestRecord {
    Objects.requireNonNull(status);
    Objects.requireNonNull(profileId);
    Objects.requireNonNull(subjectDn);
    Objects.requireNonNull(requester);
    Objects.requireNonNull(transactionId);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(updatedAt);
  }
}
