package org.p11ca.ca.secret;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Objects;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.repository.SharedSecretRecord;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.SymmetricCipher;
import org.p11ca.hsm.Token;

/**
 * Keeps shared secrets encrypted under an AES key that never leaves the token (AES-GCM, the identification as
 * associated data, so a row copied onto another identification does not decrypt). The CA must hold the secret
 * itself, not a hash: the client chooses the hash, the MAC and any PBKDF2 salt per request.
 */
public final class SharedSecretVault {

  private static final int GCM_IV_BYTES = 12;
  private static final String AAD_PREFIX = "p11ca shared secret for identification ";

  private final Token token;
  private final KeyHandle key;
  private final String keyName;

  /** @param key an AES key on the token with encrypt and decrypt allowed (softhsm-init's shared-secret key) */
  public SharedSecretVault(Token token, KeyHandle key) {
    this.token = Objects.requireNonNull(token);
    this.key = Objects.requireNonNull(key);
    this.keyName = key.label().orElseGet(() -> key.id().map(Object::toString).orElse("(unlabelled AES key)"));
  }

  /** The token key's name as recorded beside each secret. */
  public String keyName() {
    return keyName;
  }

  /** A secret encrypted on the token. */
  public record Sealed(byte[] ciphertext, byte[] iv) {
  }

  public Sealed seal(String identification, byte[] secret) {
    try {
      byte[] iv = token.generateRandom(GCM_IV_BYTES);
      return new Sealed(token.encrypt(key, new SymmetricCipher.AesGcm(iv, aad(identification), 128), secret), iv);
    } catch (HsmException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the token could not encrypt the shared secret: "
          + e.getMessage(), e);
    }
  }

  /**
   * The secret in clear, for the caller to use once and clear.
   *
   * @throws CaException internalCAError when the row does not decrypt (altered, moved, or sealed by another key)
   */
  public byte[] open(SharedSecretRecord stored) {
    try {
      return token.decrypt(key, new SymmetricCipher.AesGcm(stored.protectionIv(), aad(stored.identification()), 128),
          stored.protectedSecret());
    } catch (HsmException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "shared secret " + stored.id() + " does not decrypt under"
          + " token key '" + keyName + "' (it was sealed by '" + stored.protectionKey() + "', or the row was"
          + " altered)", e);
    }
  }

  private static byte[] aad(String identification) {
    return (AAD_PREFIX + identification).getBytes(UTF_8);
  }
}
