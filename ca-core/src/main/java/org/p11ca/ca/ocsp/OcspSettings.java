package org.p11ca.ca.ocsp;

import java.time.Duration;
import java.util.Objects;

/**
 * How the OCSP responder answers.
 *
 * @param nextUpdate how long after thisUpdate a relying party or cache may keep using a response (RFC 6960
 *     4.2.2.1): every response is signed fresh, so this only bounds how stale a cached "good" may get after a
 *     revocation
 */
public record OcspSettings(Duration nextUpdate) {

  /** CA/Browser Forum Baseline Requirements 4.9.10: an OCSP response is valid for at most ten days. */
  public static final Duration MAX_NEXT_UPDATE = Duration.ofDays(10);
  public static final Duration DEFAULT_NEXT_UPDATE = Duration.ofHours(1);

  public OcspSettings {
    Objects.requireNonNull(nextUpdate);
    if (nextUpdate.isNegative() || nextUpdate.isZero() || nextUpdate.compareTo(MAX_NEXT_UPDATE) > 0) {
      throw new IllegalArgumentException("nextUpdate must be positive and at most " + MAX_NEXT_UPDATE.toDays()
          + " days (CA/Browser Forum Baseline Requirements 4.9.10), not " + nextUpdate);
    }
  }

  public static OcspSettings defaults() {
    return new OcspSettings(DEFAULT_NEXT_UPDATE);
  }
}
