package org.p11ca.ca.service;

import java.util.Objects;
import org.p11ca.ca.pop.EncryptedPopChallenger;
import org.p11ca.ca.repository.PendingPopStore;

/**
 * What the CA needs to challenge encryption-only keys (RFC 5272 section 6.7): the token side (challenge, session
 * key, protection key) and the store that keeps open challenges across restarts.
 */
public record EncryptedPopSupport(EncryptedPopChallenger challenger, PendingPopStore pending) {
  public EncryptedPopSupport {
    Objects.requireNonNull(challenger);
    Objects.requireNonNull(pending);
  }
}
