package org.p11ca.ca.repository;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** A stored shared secret: its bookkeeping and its token-encrypted value, never the value in clear. */
public record SharedSecretRecord(long id, String identification, Optional<String> subjectDn,
    SharedSecretStatus status, OptionalInt maxUses, int uses, int failures, byte[] protectedSecret,
    byte[] protectionIv, String protectionKey, String createdBy, Instant createdAt, Instant expiresAt,
    Optional<Instant> lastUsedAt) {

  public SharedSecretRecord {
    Objects.requireNonNull(identification);
    Objects.requireNonNull(subjectDn);
    Objects.requireNonNull(status);
    Objects.requireNonNull(maxUses);
    protectedSecret = protectedSecret.clone();
    protectionIv = protectionIv.clone();
    Objects.requireNonNull(protectionKey);
    Objects.requireNonNull(createdBy);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
    Objects.requireNonNull(lastUsedAt);
  }

  @Override
  public byte[] protectedSecret() {
    return protectedSecret.clone();
  }

  @Override
  public byte[] protectionIv() {
    return protectionIv.clone();
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
