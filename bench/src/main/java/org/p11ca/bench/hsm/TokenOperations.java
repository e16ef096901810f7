package org.p11ca.bench.hsm;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.SymmetricCipher;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenObject;
import org.p11ca.hsm.WrapMechanism;

/** The operations measured on one backend's Token, each with its correctness check. */
final class TokenOperations {

  private static final SecureRandom RANDOM = new SecureRandom();
  /** About the size of a TBSCertificate; it is hashed in software, so its size barely shows in the token's rate. */
  private static final int SIGNED_DATA_BYTES = 1024;
  private static final int GCM_PLAINTEXT_BYTES = 1024;
  private static final int GCM_TAG_BYTES = 16;

  /** The signature that the cost of opening a Token is compared with. */
  static final String SIGN_RSA2048 = "sign-rsa2048-pkcs1-sha256";

  private final Token token;
  private final BenchKeys keys;
  private final GcmNonceSequence nonces;

  TokenOperations(Token token, BenchKeys keys, GcmNonceSequence nonces) {
    this.token = token;
    this.keys = keys;
    this.nonces = nonces;
  }

  /** The throughput set, measured with 1 and 2 threads on every backend; names are the `op=` of the output. */
  List<HsmOperation> throughputSet() {
    return List.of(
        signing(SIGN_RSA2048, keys.rsa2048Signing(), SignatureAlgorithm.RSA_PKCS1_SHA256),
        signing("sign-rsa2048-pss-sha256", keys.rsa2048Signing(), SignatureAlgorithm.RSA_PSS_SHA256),
        signing("sign-rsa3072-pkcs1-sha256", keys.rsa3072Signing(), SignatureAlgorithm.RSA_PKCS1_SHA256),
        signing("sign-ecdsa-p256-sha256", keys.p256Signing(), SignatureAlgorithm.ECDSA_SHA256),
        signing("sign-ecdsa-p384-sha384", keys.p384Signing(), SignatureAlgorithm.ECDSA_SHA384),
        rsaDecryption("decrypt-rsa2048-pkcs1v15", RsaPadding.pkcs1v15()),
        // SoftHSM 2.6 implements OAEP with SHA-1 only; SHA-1 in OAEP is not a collision concern.
        rsaDecryption("decrypt-rsa2048-oaep-sha1", RsaPadding.oaep(HashAlgorithm.SHA1)),
        aesGcmEncryption("encrypt-aes256-gcm-1kib"),
        transportKeyUnwrap("unwrap-aes128-rsa2048-pkcs1-session+destroy"),
        cachedLookup("find-key-by-label-cached"));
  }

  private HsmOperation signing(String name, KeyHandle key, SignatureAlgorithm algorithm) {
    byte[] data = randomBytes(SIGNED_DATA_BYTES);
    return new HsmOperation(name, () -> {
      byte[] signature = token.sign(key, algorithm, data);
      if (!SoftwareCrypto.verifies(token.publicKey(key), algorithm, data, signature)) {
        throw new HsmOperation.WrongResult("the JDK rejects the token's " + algorithm + " signature by " + key);
      }
    }, () -> token.sign(key, algorithm, data));
  }

  private HsmOperation rsaDecryption(String name, RsaPadding padding) {
    KeyHandle key = keys.rsa2048Transport();
    byte[] secret = randomBytes(32);
    byte[] ciphertext = SoftwareCrypto.rsaEncrypt(token.publicKey(key), padding, secret);
    return new HsmOperation(name, () -> {
      if (!Arrays.equals(token.decrypt(key, padding, ciphertext), secret)) {
        throw new HsmOperation.WrongResult("RSA decryption with " + padding + " did not give back the plaintext");
      }
    }, () -> token.decrypt(key, padding, ciphertext));
  }

  private HsmOperation aesGcmEncryption(String name) {
    KeyHandle key = keys.aes256();
    byte[] plaintext = randomBytes(GCM_PLAINTEXT_BYTES);
    return new HsmOperation(name, () -> {
      SymmetricCipher gcm = gcm(nonces.next());
      byte[] sealed = token.encrypt(key, gcm, plaintext);
      if (sealed.length != plaintext.length + GCM_TAG_BYTES
          || !Arrays.equals(token.decrypt(key, gcm, sealed), plaintext)) {
        throw new HsmOperation.WrongResult("AES-GCM with " + key + " does not round-trip");
      }
    }, () -> token.encrypt(key, gcm(nonces.next()), plaintext));
  }

  /**
   * The KRA transport path: a client wraps a fresh AES-128 session key under the transport public key (in software,
   * as CMS key transport does); the token unwraps it into a session object, which is destroyed once used.
   */
  private HsmOperation transportKeyUnwrap(String name) {
    KeyHandle transport = keys.rsa2048Transport();
    WrapMechanism mechanism = new WrapMechanism.Rsa(RsaPadding.pkcs1v15());
    // DECRYPT only: the KRA uses the session key to decrypt the archived private key.
    KeyAttributes sessionKey = KeyAttributes.session(KeyUsage.DECRYPT);
    byte[] aesKey = randomBytes(16);
    byte[] wrapped = SoftwareCrypto.rsaEncrypt(token.publicKey(transport), RsaPadding.pkcs1v15(), aesKey);
    return new HsmOperation(name, () -> {
      KeyHandle unwrapped = token.unwrapKey(transport, mechanism, wrapped, ObjectClass.SECRET_KEY, KeyType.AES,
          sessionKey);
      try {
        if (unwrapped.persistent()) {
          throw new HsmOperation.WrongResult("the unwrapped key became a token object, not a session object");
        }
        byte[] iv = randomBytes(12);
        byte[] probe = randomBytes(64);
        byte[] sealed = SoftwareCrypto.aesGcmEncrypt(aesKey, iv, probe);
        if (!Arrays.equals(token.decrypt(unwrapped, gcm(iv), sealed), probe)) {
          throw new HsmOperation.WrongResult("the unwrapped key is not the AES key that was wrapped");
        }
      } finally {
        token.destroy(unwrapped);
      }
    }, () -> token.destroy(token.unwrapKey(transport, mechanism, wrapped, ObjectClass.SECRET_KEY, KeyType.AES,
        sessionKey)));
  }

  private HsmOperation cachedLookup(String name) {
    KeySelector selector = KeySelector.label(BenchKeys.RSA2048_SIGNING);
    return new HsmOperation(name, () -> {
      KeyHandle found = token.requireKey(ObjectClass.PRIVATE_KEY, selector);
      if (found.nativeHandle() != keys.rsa2048Signing().nativeHandle()) {
        throw new HsmOperation.WrongResult("look-up by label found " + found + ", not the RSA-2048 signing key");
      }
    }, () -> token.findKey(ObjectClass.PRIVATE_KEY, selector));
  }

  /**
   * Creating and destroying one AES-256 key, as a token object or as a session object. Neither has a label: a label
   * would add a look-up for duplicates to the token object only, and the point is the cost of storage alone.
   */
  HsmOperation aesKeyCreation(String name, boolean persistent) {
    KeyAttributes attributes = new KeyAttributes(Optional.empty(), Optional.empty(), Set.of(KeyUsage.DECRYPT),
        persistent, false);
    return new HsmOperation(name, () -> {
      KeyHandle key = token.generateAesKey(256, attributes);
      try {
        TokenObject described = token.describe(key);
        if (described.persistent() != persistent || described.sizeBits() != 256) {
          throw new HsmOperation.WrongResult("asked for a " + (persistent ? "token" : "session")
              + " AES-256 key, got " + key);
        }
      } finally {
        token.destroy(key);
      }
    }, () -> token.destroy(token.generateAesKey(256, attributes)));
  }

  private static SymmetricCipher gcm(byte[] iv) {
    return new SymmetricCipher.AesGcm(iv, new byte[0], GCM_TAG_BYTES * 8);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
