package org.p11ca.ca.audit;

import java.security.PublicKey;
import java.util.Objects;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;

/**
 * The audit signing key on its token. Checkpoints are signed there; the key never leaves it, and the log names it by
 * CKA_ID (or label) so an auditor knows which public key to verify with.
 */
public record AuditSigner(Token token, KeyHandle key, SignatureAlgorithm algorithm) {

  public AuditSigner {
    Objects.requireNonNull(token);
    Objects.requireNonNull(key);
    Objects.requireNonNull(algorithm);
    if (algorithm.keyType() != key.keyType()) {
      throw new IllegalArgumentException(algorithm + " cannot sign with a " + key.keyType() + " key");
    }
  }

  /** The key's usual algorithm: ECDSA with SHA-256 for P-256, as {@link SignatureAlgorithm#defaultFor} picks. */
  public static AuditSigner of(Token token, KeyHandle key) {
    return new AuditSigner(token, key, SignatureAlgorithm.defaultFor(key));
  }

  /** CKA_ID in hex, else the label. */
  public String keyId() {
    return key.id().map(ObjectId::hex).or(key::label).orElse("unnamed");
  }

  byte[] sign(byte[] data) {
    return token.sign(key, algorithm, data);
  }

  PublicKey publicKey() {
    return token.publicKey(key);
  }
}
