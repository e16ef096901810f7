package org.p11ca.hsm;

import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * One logged-in PKCS#11 token. Callers hold {@link KeyHandle}s and get results of operations; key material never
 * leaves through this interface. Thread safe: operations lease a session from one bounded pool, and a session that
 * the token invalidated (closed, logged out, device reset) is reopened and the operation retried once.
 *
 * <h2>Session objects across calls</h2>
 *
 * A key made with {@link KeyAttributes#session} (CKA_TOKEN false) is a session object. PKCS#11 makes it visible to
 * every session this process has with the token, whichever pooled session a later call leases, and destroys it when
 * the one session that created it is closed, even while other sessions use it (PKCS#11 v2.40 base section 5.6,
 * C_CloseSession; the sessions overview of v2.20 section 6.7). This implementation keeps pooled sessions open, so a
 * session object normally lives until {@link #destroy} or {@link #close}. It dies early when:
 * <ul>
 *   <li>the pool closes the session that created it: after the token reported a device error or reset (every idle
 *       session is closed), or after an operation in that session failed in an unexpected way (the session may
 *       still have an operation active, so it is not reused);
 *   <li>the session is closed or the token logged out behind the pool (another party calling C_CloseSession,
 *       C_CloseAllSessions or C_Logout in this process); SoftHSM 2.6.1 destroys every private session object on
 *       logout, and every key this layer creates is CKA_PRIVATE.
 * </ul>
 * Recovery re-finds token objects by label and CKA_ID, but a session object has nothing to be re-found by: a call on
 * a handle whose object is gone fails with {@link HsmException.Reason#KEY_NOT_FOUND} (CKR_OBJECT_HANDLE_INVALID or
 * CKR_KEY_HANDLE_INVALID from the token) and a message naming the session object. A caller holding session objects
 * across several calls (unwrap a session key, unwrap a private key under it, wrap it for storage, ...) should on
 * KEY_NOT_FOUND destroy what it still holds and repeat the whole operation from its inputs.
 */
public interface Token extends AutoCloseable {

  TokenInfo info();

  Backend backend();

  // ---- finding objects ----

  Optional<KeyHandle> findKey(ObjectClass objectClass, KeySelector selector);

  /** Like {@link #findKey} but fails with {@link HsmException.Reason#KEY_NOT_FOUND} naming what was sought. */
  default KeyHandle requireKey(ObjectClass objectClass, KeySelector selector) {
    return findKey(objectClass, selector).orElseThrow(() -> new HsmException(HsmException.Reason.KEY_NOT_FOUND,
        "no " + objectClass.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " with " + selector
            + " on token '" + info().label() + "'"));
  }

  Optional<X509Certificate> findCertificate(KeySelector selector);

  List<TokenObject> listObjects();

  /** One object's listing row: class, type, size and its CKA_SENSITIVE / CKA_EXTRACTABLE flags. */
  TokenObject describe(KeyHandle object);

  /**
   * The public half of a key pair, from the public key object with the same CKA_ID, or from the private key's public
   * attributes. Never reads private components.
   */
  PublicKey publicKey(KeyHandle key);

  // ---- crypto ----

  /** Signs {@code data}; ECDSA signatures are returned DER-encoded (Ecdsa-Sig-Value), as X.509 and CMS carry them. */
  byte[] sign(KeyHandle privateKey, SignatureAlgorithm algorithm, byte[] data);

  byte[] decrypt(KeyHandle rsaPrivateKey, RsaPadding padding, byte[] ciphertext);

  /**
   * RSA encryption with a public key object (C_Encrypt with CKM_RSA_PKCS or CKM_RSA_PKCS_OAEP), the mirror of
   * {@link #decrypt(KeyHandle, RsaPadding, byte[])}. The key needs CKA_ENCRYPT ({@link KeyUsage#ENCRYPT} on import).
   *
   * @throws HsmException MECHANISM_UNSUPPORTED for an OAEP hash the token cannot do; INVALID_INPUT for a plaintext
   *     too long for the key and padding
   */
  byte[] encrypt(KeyHandle rsaPublicKey, RsaPadding padding, byte[] plaintext);

  byte[] encrypt(KeyHandle secretKey, SymmetricCipher cipher, byte[] plaintext);

  byte[] decrypt(KeyHandle secretKey, SymmetricCipher cipher, byte[] ciphertext);

  /**
   * Wraps an extractable key. With {@link WrapMechanism.Rsa} the wrapping key is an RSA public key object, e.g. one
   * made by {@link #importPublicKey(PublicKey, KeyAttributes)} with {@link KeyUsage#WRAP}.
   *
   * @throws HsmException MECHANISM_UNSUPPORTED for a mechanism or OAEP hash the token cannot do; INVALID_INPUT for a
   *     key that is not extractable or a wrapping key without CKA_WRAP
   */
  byte[] wrapKey(KeyHandle wrappingKey, WrapMechanism mechanism, KeyHandle keyToWrap);

  /**
   * Wraps a key under an AES key for storage: RFC 5649 where the token offers it, otherwise AES-CBC-PAD with a fresh
   * random IV. The result names the mechanism used, so it can be unwrapped on any token.
   */
  WrappedKey wrapKeyForStorage(KeyHandle aesWrappingKey, KeyHandle keyToWrap);

  /**
   * Unwraps into a new key on the token, of the given class and type, with the given attributes (sensitive; not
   * extractable unless asked).
   */
  KeyHandle unwrapKey(KeyHandle unwrappingKey, WrapMechanism mechanism, byte[] wrapped, ObjectClass objectClass,
      KeyType keyType, KeyAttributes attributes);

  byte[] generateRandom(int length);

  /**
   * Ephemeral-static or static-static ECDH as CMS uses it (RFC 5753 section 3.1, ANSI X9.63): the shared secret Z of
   * an EC private key on the token and a peer's EC public key (CKM_ECDH1_DERIVE), then K = hash(Z || 00000001 ||
   * sharedInfo) truncated to {@code aesBits}, as a new AES key on the token with the given attributes (e.g. a
   * session key that wraps or unwraps the content-encryption key).
   *
   * <p>Z is derived as a sensitive, non-extractable session object and destroyed before this returns. The KDF runs
   * through C_DigestKey because tokens such as SoftHSM 2.6.1 offer ECDH1_DERIVE with CKD_NULL only, so K exists in
   * this process's memory between C_DigestFinal and the C_CreateObject that puts it on the token, and is then
   * zeroed; it is never returned.
   *
   * @param sharedInfo the DER ECC-CMS-SharedInfo (RFC 5753 section 7.2)
   * @throws HsmException INVALID_INPUT for a key that is not an EC private key, a peer key that is not EC or on
   *     another curve, or an AES size other than 128, 192 or 256; MECHANISM_UNSUPPORTED when the token offers no
   *     CKM_ECDH1_DERIVE or no digest of that hash
   */
  KeyHandle deriveEcdhAesKey(KeyHandle ecPrivateKey, PublicKey peerPublicKey, HashAlgorithm kdfHash,
      byte[] sharedInfo, int aesBits, KeyAttributes attributes);

  // ---- creating and destroying objects ----

  /** Generates an AES key of 128, 192 or 256 bits. */
  KeyHandle generateAesKey(int bits, KeyAttributes attributes);

  /** Generates a key pair; returns the private key's handle (the public key shares its label and CKA_ID). */
  KeyHandle generateKeyPair(KeyPairSpec spec, KeyAttributes attributes);

  KeyHandle importCertificate(String label, ObjectId id, X509Certificate certificate);

  /**
   * A token object that verifies, and for RSA also encrypts and wraps; see
   * {@link #importPublicKey(PublicKey, KeyAttributes)}.
   */
  KeyHandle importPublicKey(String label, ObjectId id, PublicKey publicKey);

  /**
   * Creates a public key object from an RSA or EC public key. {@code attributes.persistent()} false makes a session
   * object (CKA_TOKEN false; see "Session objects across calls" above), true a token object with the label and
   * CKA_ID given (without a CKA_ID, the RFC 5280 method-1 key identifier). CKA_ENCRYPT, CKA_WRAP, CKA_VERIFY and
   * CKA_DERIVE are set from the usages ENCRYPT, WRAP, SIGN (as verify) and DERIVE, each true or false.
   *
   * @throws HsmException INVALID_INPUT for a key that is neither RSA nor EC, for DECRYPT or UNWRAP (a public key
   *     cannot do either), and for ENCRYPT or WRAP on an EC key (PKCS#11 has no EC encryption); OBJECT_EXISTS for a
   *     token object whose label is taken
   */
  KeyHandle importPublicKey(PublicKey publicKey, KeyAttributes attributes);

  void destroy(KeyHandle object);

  /**
   * {@link #destroy} for the finally block that cleans up transient session objects: null is skipped, and a
   * failure is logged, not thrown, since a session object also vanishes with its session and the failure is not
   * the caller's operation's.
   */
  default void destroyQuietly(KeyHandle object) {
    if (object == null) {
      return;
    }
    try {
      destroy(object);
    } catch (HsmException e) {
      System.getLogger(Token.class.getName()).log(System.Logger.Level.WARNING,
          "cannot destroy session object " + object + ": " + e.getMessage());
    }
  }

  /**
   * Destroys a private key made by {@link #generateKeyPair} and its public half (the public key object with the
   * same CKA_ID, of the same kind: session or token object), e.g. an ephemeral ECDH pair.
   */
  void destroyKeyPair(KeyHandle privateKey);

  /** {@link #destroyKeyPair} for a finally block, as {@link #destroyQuietly} is for {@link #destroy}. */
  default void destroyKeyPairQuietly(KeyHandle privateKey) {
    if (privateKey == null) {
      return;
    }
    try {
      destroyKeyPair(privateKey);
    } catch (HsmException e) {
      System.getLogger(Token.class.getName()).log(System.Logger.Level.WARNING,
          "cannot destroy key pair " + privateKey + ": " + e.getMessage());
    }
  }

  /** C_SetPIN on the user PIN; the token stays logged in. */
  void changeUserPin(PinSource oldPin, PinSource newPin);

  /**
   * The token as a JCA KeyStore whose private keys sign on the token: for Jetty's TLS and JCA-based builders. A
   * private key appears as an entry only when a certificate with the same CKA_ID is on the token.
   *
   * @throws HsmException UNSUPPORTED_BY_BACKEND on backends without a JCA provider
   */
  KeyStore jcaKeyStore();

  /**
   * The signatures {@link #sign} made since the token was opened and the time they took inside the library; empty
   * where this JVM cannot read a thread's CPU time. JCA signatures ({@link #jcaKeyStore}, TLS) are not in it.
   */
  default Optional<SigningTally> signingTally() {
    return Optional.empty();
  }

  @Override
  void close();
}
