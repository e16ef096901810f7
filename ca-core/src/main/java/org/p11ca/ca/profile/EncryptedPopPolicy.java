package org.p11ca.ca.profile;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * How a profile that accepts encryption-only keys challenges them (RFC 5272 section 6.7, EncryptedPOP): in which
 * wire format, how the challenge's session key travels to the subscriber, and how long the challenge stays open.
 *
 * @param format {@code dogtag} (what Dogtag's CMCRequest understands; the default) or {@code rfc}
 * @param keyTransport how the session key is encrypted to the subscriber's RSA key
 * @param challengeLifetime after this the challenge is refused and the request must start again
 */
public record EncryptedPopPolicy(Format format, KeyTransport keyTransport, Duration challengeLifetime) {

  public enum Format { DOGTAG, RFC }

  /**
   * RSA key transport: PKCS#1 v1.5 (Dogtag's default), OAEP with SHA-1 (RFC 8017's default parameters), OAEP with
   * SHA-256 and MGF1-SHA-256 (Dogtag's {@code keyWrap.useOAEP}; Dogtag's format does not say which was used, so the
   * client must be configured to match).
   */
  public enum KeyTransport { RSA_PKCS1, RSA_OAEP_SHA1, RSA_OAEP_SHA256 }

  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

  public EncryptedPopPolicy {
    Objects.requireNonNull(format);
    Objects.requireNonNull(keyTransport);
    Objects.requireNonNull(challengeLifetime);
  }

  public static EncryptedPopPolicy defaults() {
    return new EncryptedPopPolicy(Format.DOGTAG, KeyTransport.RSA_PKCS1, DEFAULT_LIFETIME);
  }

  static EncryptedPopPolicy fromConfig(ProfileConfig.EncryptedPop raw) {
    if (raw == null) {
      return defaults();
    }
    Format format = raw.format() == null ? Format.DOGTAG : switch (raw.format().trim().toLowerCase(Locale.ROOT)) {
      case "dogtag" -> Format.DOGTAG;
      case "rfc" -> Format.RFC;
      default -> throw FieldError.of("encryptedPop.format", raw.format(), "must be 'dogtag' or 'rfc'");
    };
    KeyTransport transport = raw.keyTransport() == null ? KeyTransport.RSA_PKCS1
        : switch (raw.keyTransport().trim()) {
          case "rsaPkcs1" -> KeyTransport.RSA_PKCS1;
          case "rsaOaepSha1" -> KeyTransport.RSA_OAEP_SHA1;
          case "rsaOaepSha256" -> KeyTransport.RSA_OAEP_SHA256;
          default -> throw FieldError.of("encryptedPop.keyTransport", raw.keyTransport(),
              "must be rsaPkcs1, rsaOaepSha1 or rsaOaepSha256");
        };
    Duration lifetime = DEFAULT_LIFETIME;
    if (raw.challengeLifetime() != null) {
      try {
        lifetime = Duration.parse(raw.challengeLifetime().trim());
      } catch (DateTimeParseException e) {
        throw FieldError.of("encryptedPop.challengeLifetime", raw.challengeLifetime(),
            "is not an ISO-8601 duration (e.g. PT1H)");
      }
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw FieldError.of("encryptedPop.challengeLifetime", raw.challengeLifetime(), "must be positive");
      }
    }
    return new EncryptedPopPolicy(format, transport, lifetime);
  }
}
