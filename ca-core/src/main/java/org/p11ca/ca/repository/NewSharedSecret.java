package org.p11ca.ca.repository;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A shared secret to record, already encrypted on the token: {@code protectedSecret} and {@code protectionIv} are
 * AES-GCM output, {@code protectionKey} names the token key.
 *
 * @param subjectDn the subject the secret is bound to (RFC 5272 section 6.3.2), RFC 4514; empty: any subject whose
 *     UID or CN is the identification
 * @param maxUses how many proofs it may make; empty: no limit until it expires
 */
public record NewSharedSecret(String identification, Optional<String> subjectDn, OptionalInt maxUses,
    byte[] protectedSecret, byte[] protectionIv, String protectionKey, String createdBy, Instant createdAt,
    Instant expiresAt) {

  public NewSharedSecret {
    Objects.requireNonNull(identification);
    Objects.requireNonNull(subjectDn);
    Objects.requireNonNull(maxUses);
    protectedSecret = protectedSecret.clone();
    protectionIv = protectionIv.clone();
    Objects.requireNonNull(protectionKey);
    Objects.requireNonNull(createdBy);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
  }

  @Override
  public byte[] protectedSecret() {
    return protectedSecret.clone();
  }

  @Override
  public byte[] protectionIv() {
    return protectionIv.clone();
  }
}
