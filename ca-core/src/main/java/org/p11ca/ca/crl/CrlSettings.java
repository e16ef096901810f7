package org.p11ca.ca.crl;

import java.time.Duration;
import java.util.Objects;

/**
 * How the CA publishes its full CRL.
 *
 * @param validity from thisUpdate to nextUpdate (RFC 5280 5.1.2.5); the CRL is remade at half of it, so relying
 *     parties that fetch it late still get one that has not expired
 * @param regenerateDelay how long after a revocation the CRL is remade: revocations in that window share one CRL
 */
public record CrlSettings(Duration validity, Duration regenerateDelay) {

  public static final Duration MIN_VALIDITY = Duration.ofMinutes(1);
  public static final Duration MAX_VALIDITY = Duration.ofDays(366);
  public static final CrlSettings DEFAULT = new CrlSettings(Duration.ofDays(1), Duration.ofSeconds(2));

  public CrlSettings {
    Objects.requireNonNull(validity);
    Objects.requireNonNull(regenerateDelay);
    if (validity.compareTo(MIN_VALIDITY) < 0 || validity.compareTo(MAX_VALIDITY) > 0) {
      throw new IllegalArgumentException("a CRL's validity must be between " + MIN_VALIDITY + " and "
          + MAX_VALIDITY + ", not " + validity);
    }
    // A revocation must reach the CRL well before the scheduled refresh would have put it there anyway.
    if (regenerateDelay.isNegative() || regenerateDelay.compareTo(validity.dividedBy(2)) >= 0) {
      throw new IllegalArgumentException("regenerateDelay must be at least 0 and less than half the validity ("
          + validity.dividedBy(2) + "), not " + regenerateDelay);
    }
  }
}
