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

  byte[] encrypt(KeyHandle secretKey, SymmetricCipher cipher, byte[] plaintext);

  byte[] decrypt(KeyHandle secretKey, SymmetricCipher cipher, byte[] ciphertext);

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

  // ---- creating and destroying objects ----

  /** Generates an AES key of 128, 192 or 256 bits. */
  KeyHandle generateAesKey(int bits, KeyAttributes attributes);

  /** Generates a key pair; returns the private key's handle (the public key shares its label and CKA_ID). */
  KeyHandle generateKeyPair(KeyPairSpec spec, KeyAttributes attributes);

  KeyHandle importCertificate(String label, ObjectId id, X509Certificate certificate);

  KeyHandle importPublicKey(String label, ObjectId id, PublicKey publicKey);

  void destroy(KeyHandle object);

  /** C_SetPIN on the user PIN; the token stays logged in. */
  void changeUserPin(PinSource oldPin, PinSource newPin);

  /**
   * The token as a JCA KeyStore whose private keys sign on the token: for Jetty's TLS and JCA-based builders. A
   * private key appears as an entry only when a certificate with the same CKA_ID is on the token.
   *
   * @throws HsmException UNSUPPORTED_BY_BACKEND on backends without a JCA provider
   */
  KeyStore jcaKeyStore();

  @Override
  void close();
}
