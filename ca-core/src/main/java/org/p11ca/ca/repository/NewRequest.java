package org.p11ca.ca.repository;

import java.util.Objects;
import java.util.Optional;

/**
 * A request to record.
 *
 * @param requester who submitted it (the authenticated subject, for example the CMC signer's DN)
 * @param transactionId the CMC transactionId control (RFC 5272 6.6), if the request carried one
 */
public record NewRequest(
    RequestStatus status,
    String profileId,
    String subjectDn,
    String requester,
    Optional<String> transactionId) {

  public NewRequest {
    Objects.requireNonNull(status);
    Objects.requireNonNull(profileId);
    Objects.requireNonNull(subjectDn);
    Objects.requireNonNull(requester);
    Objects.requireNonNull(transactionId);
  }
}
