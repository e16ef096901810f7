package org.p11ca.ca.service;

import java.util.Objects;
import java.util.Optional;

/**
 * One CMC request as it arrived: the endpoint, the {@code profileId} query parameter if given, and the body bytes
 * (DER; the server has already undone any base64 transfer encoding).
 */
public record CmcSubmission(CmcEndpoint endpoint, Optional<String> profileId, byte[] body, Caller caller) {

  public CmcSubmission {
    Objects.requireNonNull(endpoint);
    Objects.requireNonNull(profileId);
    body = body.clone();
    Objects.requireNonNull(caller);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }
}
