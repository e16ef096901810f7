package org.p11ca.ca.repository;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A certificate's revocation entry.
 *
 * @param invalidityDate when the key is known or suspected to have been compromised (RFC 5280 5.3.2), if given
 */
public record Revocation(RevocationReason reason, Optional<Instant> invalidityDate, Instant revokedAt) {
  public Revocation {
    Objects.requireNonNull(reason);
    Objects.requireNonNull(invalidityDate);
    Objects.requireNonNull(revokedAt);
  }
}
