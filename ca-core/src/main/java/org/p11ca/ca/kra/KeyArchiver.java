package org.p11ca.ca.kra;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.OperatorCreationException;
import org.p11ca.ca.crypto.SignatureVerifiers;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.WrapMechanism;
import org.p11ca.hsm.WrappedKey;

/**
 * Takes an archived private key into the KRA's keeping without it ever being clear outside the token: the session
 * key is unwrapped with the transport key, the private key is unwrapped with the session key into a session object,
 * checked against the request's public key there, wrapped under the storage key, and every session object is
 * destroyed. The private key is created extractable only for that one storage wrap (the transient exception the
 * issue allows); the session key is never extractable.
 *
 * <p>The symmetric algorithms are those CRMFPopClient -b uses: "AES KeyWrap/Padding" (OID id-aes128-wrap-pad),
 * which NSS actually implements as RFC 3394 over the PKCS#7-padded PKCS#8 (CKM_NSS_AES_KEY_WRAP_PAD, not RFC
 * 5649), so a true RFC 5649 unwrap is tried first and the RFC 3394 form second; and AES-CBC with PKCS#7 padding. A
 * token that cannot do what a request needs is reported as such, never worked around in software.
 */
public final class KeyArchiver {

  private final Token token;
  private final KeyHandle transportKey;
  private final KeyHandle storageKey;
  private final RsaPadding transportPadding;

  /**
   * @param transportPadding how clients encrypt the session key to the transport certificate: nothing in the
   *     EncryptedValue says (Dogtag's CRMFPopClient --oaep uses OAEP with SHA-256), so the KRA is configured
   */
  public KeyArchiver(Token token, KeyHandle transportKey, KeyHandle storageKey, RsaPadding transportPadding) {
    this.token = Objects.requireNonNull(token);
    this.transportKey = Objects.requireNonNull(transportKey);
    this.storageKey = Objects.requireNonNull(storageKey);
    this.transportPadding = Objects.requireNonNull(transportPadding);
  }

  /**
   * @throws CaException BAD_REQUEST when the key was not encrypted to this transport key, cannot be unwrapped, or is
   *     not the request's key; BAD_ALG when this token cannot do the request's algorithms
   */
  public ArchivedKey archive(ArchiveOptions options, SubjectPublicKeyInfo requestedKey) {
    KeyType keyType = keyType(requestedKey);
    KeyHandle sessionKey = null;
    KeyHandle privateKey = null;
    try {
      sessionKey = unwrapSessionKey(options.encryptedSessionKey());
      privateKey = unwrapPrivateKey(sessionKey, options, keyType);
      requireSameKey(privateKey, requestedKey, keyType);
      WrappedKey wrapped = token.wrapKeyForStorage(storageKey, privateKey);
      return new ArchivedKey(wrapped, storageKey.label().orElse("unnamed"), requestedKey);
    } finally {
      token.destroyQuietly(privateKey);
      token.destroyQuietly(sessionKey);
    }
  }

  private KeyHandle unwrapSessionKey(byte[] encryptedSessionKey) {
    try {
      return token.unwrapKey(transportKey, new WrapMechanism.Rsa(transportPadding), encryptedSessionKey,
          ObjectClass.SECRET_KEY, KeyType.AES, KeyAttributes.session(KeyUsage.UNWRAP, KeyUsage.DECRYPT));
    } catch (HsmException e) {
      throw refusal(e, "the archived key's session key does not decrypt with the KRA transport key (was it"
          + " encrypted to this KRA's transport certificate, with " + transportPadding + "?)");
    }
  }

  private KeyHandle unwrapPrivateKey(KeyHandle sessionKey, ArchiveOptions options, KeyType keyType) {
    ASN1ObjectIdentifier alg = options.symmetricAlgorithm().getAlgorithm();
    // Extractable for the one storage wrap below, and nothing else: no signing with a key meant for decryption,
    // except for EC, where signing a nonce is the only way to check the key against the request on the token.
    KeyAttributes attributes = (keyType == KeyType.EC ? KeyAttributes.session(KeyUsage.SIGN, KeyUsage.DERIVE)
        : KeyAttributes.session(KeyUsage.DECRYPT, KeyUsage.UNWRAP)).allowWrappingOutOfToken();
    byte[] encrypted = options.encryptedKey();
    try {
      if (isAesWrapPad(alg)) {
        try {
          return token.unwrapKey(sessionKey, new WrapMechanism.AesKeyWrapPad(), encrypted, ObjectClass.PRIVATE_KEY,
              keyType, attributes);
        } catch (HsmException rfc5649) {
          // NSS's "AES KeyWrap/Padding": RFC 3394 over the PKCS#7-padded PKCS#8 (see the class comment).
          return token.unwrapKey(sessionKey, new WrapMechanism.AesKeyWrap(), encrypted, ObjectClass.PRIVATE_KEY,
              keyType, attributes);
        }
      }
      if (isAesWrap(alg)) {
        return token.unwrapKey(sessionKey, new WrapMechanism.AesKeyWrap(), encrypted, ObjectClass.PRIVATE_KEY,
            keyType, attributes);
      }
      if (isAesCbc(alg)) {
        byte[] iv = ASN1OctetString.getInstance(options.symmetricAlgorithm().getParameters()).getOctets();
        return token.unwrapKey(sessionKey, new WrapMechanism.AesCbcPad(iv), encrypted, ObjectClass.PRIVATE_KEY,
            keyType, attributes);
      }
    } catch (HsmException e) {
      throw refusal(e, "the archived private key does not unwrap with its session key (" + alg.getId() + ")");
    } catch (IllegalArgumentException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the archived key's " + alg.getId() + " parameters are not an"
          + " AES IV: " + e.getMessage(), e);
    }
    throw new CaException(FailInfo.BAD_ALG, "the archived key is encrypted with " + alg.getId()
        + "; this KRA takes AES key wrap (RFC 3394, RFC 5649) or AES-CBC");
  }

  private void requireSameKey(KeyHandle privateKey, SubjectPublicKeyInfo requestedKey, KeyType keyType) {
    if (keyType == KeyType.RSA) {
      // The modulus and public exponent are public attributes of the private key object: read, never the key.
      byte[] onToken = token.publicKey(privateKey).getEncoded();
      if (!Arrays.equals(onToken, encoded(requestedKey))) {
        throw new CaException(FailInfo.BAD_REQUEST, "the archived private key does not match the request's public"
            + " key");
      }
      return;
    }
    // A PKCS#11 EC private key carries no CKA_EC_POINT, so the check is a signature over a fresh nonce, made on the
    // token and verified with the requested public key.
    byte[] nonce = token.generateRandom(32);
    byte[] signature = token.sign(privateKey, SignatureAlgorithm.ECDSA_SHA256, nonce);
    boolean matches;
    try {
      ContentVerifier v = SignatureVerifiers.of(requestedKey)
          .get(new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256));
      try (OutputStream out = v.getOutputStream()) {
        out.write(nonce);
      }
      matches = v.verify(signature);
    } catch (OperatorCreationException | IOException | RuntimeException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the request's EC public key cannot be read: " + e.getMessage(), e);
    }
    if (!matches) {
      throw new CaException(FailInfo.BAD_REQUEST, "the archived private key does not match the request's public"
          + " key");
    }
  }

  private static KeyType keyType(SubjectPublicKeyInfo key) {
    ASN1ObjectIdentifier alg = key.getAlgorithm().getAlgorithm();
    if (PKCSObjectIdentifiers.rsaEncryption.equals(alg)) {
      return KeyType.RSA;
    }
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(alg)) {
      return KeyType.EC;
    }
    throw new CaException(FailInfo.BAD_ALG, "keys of algorithm " + alg.getId() + " cannot be archived here");
  }

  private static boolean isAesWrapPad(ASN1ObjectIdentifier alg) {
    return NISTObjectIdentifiers.id_aes128_wrap_pad.equals(alg) || NISTObjectIdentifiers.id_aes192_wrap_pad.equals(alg)
        || NISTObjectIdentifiers.id_aes256_wrap_pad.equals(alg);
  }

  private static boolean isAesWrap(ASN1ObjectIdentifier alg) {
    return NISTObjectIdentifiers.id_aes128_wrap.equals(alg) || NISTObjectIdentifiers.id_aes192_wrap.equals(alg)
        || NISTObjectIdentifiers.id_aes256_wrap.equals(alg);
  }

  private static boolean isAesCbc(ASN1ObjectIdentifier alg) {
    return NISTObjectIdentifiers.id_aes128_CBC.equals(alg) || NISTObjectIdentifiers.id_aes192_CBC.equals(alg)
        || NISTObjectIdentifiers.id_aes256_CBC.equals(alg);
  }

  private static CaException refusal(HsmException e, String reason) {
    FailInfo f = e.reason() == HsmException.Reason.MECHANISM_UNSUPPORTED ? FailInfo.BAD_ALG : FailInfo.BAD_REQUEST;
    String detail = e.reason() == HsmException.Reason.MECHANISM_UNSUPPORTED
        ? reason + ": this KRA's token cannot do it (" + e.getMessage() + ")" : reason;
    return new CaException(f, detail, e);
  }

  private static byte[] encoded(SubjectPublicKeyInfo key) {
    try {
      return key.getEncoded();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("re-encoding a parsed public key failed", e);
    }
  }
}
