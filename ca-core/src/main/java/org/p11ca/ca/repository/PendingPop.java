package org.p11ca.ca.repository;

import java.time.Instant;
import java.util.Objects;

/**
 * An EncryptedPOP challenge waiting for its answer (RFC 5272 section 6.7): everything round 2 needs to check the
 * DecryptedPOP and issue, kept across restarts.
 *
 * @param format how the challenge was encoded (Dogtag's or the RFC's), which decides how the proof is checked
 * @param taggedRequest the round-1 TaggedRequest element exactly as received: what the proof MACs and what is issued
 * @param signer the certificate that signed round 1; round 2 must be signed by the same one
 * @param protectedChallenge the challenge encrypted with AES-GCM under the token key {@code protectionKey}
 */
public record PendingPop(long requestId, String format, int bodyPartId, byte[] taggedRequest, CertificateId signer,
    byte[] protectedChallenge, byte[] protectionIv, String protectionKey, Instant createdAt, Instant expiresAt) {

  public PendingPop {
    Objects.requireNonNull(format);
    taggedRequest = taggedRequest.clone();
    Objects.requireNonNull(signer);
    protectedChallenge = protectedChallenge.clone();
    protectionIv = protectionIv.clone();
    Objects.requireNonNull(protectionKey);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
  }

  @Override
  public byte[] taggedRequest() {
    return taggedRequest.clone();
  }

  @Override
  public byte[] protectedChallenge() {
    return protectedChallenge.clone();
  }

  @Override
  public byte[] protectionIv() {
    return protectionIv.clone();
  }
}
