package org.p11ca.ca.profile;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * Renewal rules of a {@code from: signer} profile (second seed page, first bullet): Dogtag's uniqueKeyConstraint
 * with {@code allowSameKeyRenewal} (a key already certified may be certified again only for the same subject, only
 * if allowed, and never when one of its certificates is revoked), and renewGracePeriodConstraint (the signer's
 * certificate, the one being renewed, may be renewed from {@code graceBefore} before its expiry until
 * {@code graceAfter} after it).
 *
 * @param graceBefore empty: any time before expiry
 * @param graceAfter how long after expiry an expired signer may still renew (zero: not at all)
 */
public record RenewalPolicy(boolean allowSameKeyRenewal, Optional<Duration> graceBefore, Duration graceAfter) {

  public RenewalPolicy {
    Objects.requireNonNull(graceBefore);
    Objects.requireNonNull(graceAfter);
  }

  /** Whether a certificate expiring at {@code notAfter} may be renewed at {@code now}. */
  public boolean withinGrace(Instant notAfter, Instant now) {
    boolean early = graceBefore.map(b -> now.isBefore(notAfter.minus(b))).orElse(false);
    return !early && !now.isAfter(notAfter.plus(graceAfter));
  }

  static RenewalPolicy fromConfig(ProfileConfig.Renewal raw) {
    return new RenewalPolicy(Boolean.TRUE.equals(raw.allowSameKeyRenewal()),
        Optional.ofNullable(raw.graceBefore()).map(v -> duration("renewal.graceBefore", v)),
        raw.graceAfter() == null ? Duration.ZERO : duration("renewal.graceAfter", raw.graceAfter()));
  }

  private static Duration duration(String field, String text) {
    try {
      Duration d = Duration.parse(text.trim());
      if (d.isNegative()) {
        throw FieldError.of(field, text, "must not be negative");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw FieldError.of(field, text, "is not an ISO-8601 duration such as P30D");
    }
  }
}
