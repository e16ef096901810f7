package org.p11ca.ca.pop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientIdentifier;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.OriginatorIdentifierOrKey;
import org.bouncycastle.asn1.cms.OriginatorPublicKey;
import org.bouncycastle.asn1.cms.RecipientEncryptedKey;
import org.bouncycastle.asn1.cms.RecipientIdentifier;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.cms.RecipientKeyIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.p11ca.ca.cmc.EcdhSuite;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.EncryptedPopPolicy;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.SymmetricCipher;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.WrapMechanism;

/**
 * Round 1 of RFC 5272 section 6.7 on the token: a random 64-byte challenge (the POP Proof Value), an AES-128 session
 * key generated on the token that encrypts it, the session key wrapped on the token for the subscriber's key (RSA
 * key transport, or for an EC key ECDH key agreement, RFC 5753), and the witness SHA-256(challenge). The challenge is kept only encrypted (AES-GCM) under a token key, bound to its
 * request id, for round 2.
 *
 * <p>Two encodings of the EncryptedPOP (README, "EncryptedPOP"): Dogtag's, which its CMCRequest needs (thePOPAlgID
 * is aes128-CBC carrying the real IV, the EnvelopedData names a placeholder recipient and a dummy IV, the content is
 * unpadded), and the RFC's (a proper EnvelopedData with the real IV and PKCS#7 padding, the recipient named by the
 * request's SKI or by an empty issuer and the bodyPartID, thePOPAlgID hmacWithSHA256).
 */
public final class EncryptedPopChallenger {

  /** RFC 5272 section 6.7: long enough that the witness hash cannot be reversed; HMAC uses at most 64 bytes. */
  static final int CHALLENGE_BYTES = 64;
  static final AlgorithmIdentifier WITNESS_ALGORITHM = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);
  static final AlgorithmIdentifier RFC_POP_ALGORITHM = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256,
      DERNull.INSTANCE);
  /** What Dogtag's createEnvelopedData puts in the EncryptedContentInfo; its clients ignore it. */
  private static final byte[] DOGTAG_DUMMY_IV = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  private static final int GCM_IV_BYTES = 12;

  private final Token token;
  private final KeyHandle protectionKey;
  private final String protectionKeyName;

  /** @param protectionKey an AES key on the token (never extractable) that protects stored challenges */
  public EncryptedPopChallenger(Token token, KeyHandle protectionKey) {
    this.token = Objects.requireNonNull(token);
    this.protectionKey = Objects.requireNonNull(protectionKey);
    this.protectionKeyName = protectionKey.label().orElseGet(() -> protectionKey.id().map(Object::toString)
        .orElse("unnamed"));
  }

  /**
   * What round 1 sends (the encryptedPOP control value) and stores (the protected challenge, and the encoding used,
   * which round 2 checks against: the profile's for an RSA key, always the RFC's for an EC key).
   */
  public record Challenge(ASN1Encodable encryptedPop, EncryptedPopPolicy.Format format, byte[] protectedChallenge,
      byte[] protectionIv, String protectionKey) {
  }

  /**
   * @param taggedRequest the TaggedRequest element exactly as received
   * @param subjectKeyId the request's SKI extension, if any (the RFC format names the recipient by it)
   * @throws CaException BAD_ALG for a key that cannot receive a key-transport challenge; INTERNAL_CA_ERROR when the
   *     token cannot do what the policy asks
   */
  public Challenge challenge(long requestId, byte[] taggedRequest, int bodyPartId, SubjectPublicKeyInfo key,
      Optional<byte[]> subjectKeyId, EncryptedPopPolicy policy) {
    boolean ec = X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm().getAlgorithm());
    if (!ec && !PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm())) {
      throw new CaException(FailInfo.BAD_ALG, "an EncryptedPOP challenge needs an RSA key (key transport) or an EC"
          + " key (ECDH key agreement), not " + key.getAlgorithm().getAlgorithm());
    }
    byte[] challenge = token.generateRandom(CHALLENGE_BYTES);
    try {
      ASN1Encodable pop;
      EncryptedPopPolicy.Format format;
      if (ec) {
        // Dogtag's encoding has no room for key agreement (and its clients cannot do it), so EC keys always get
        // the RFC's.
        format = EncryptedPopPolicy.Format.RFC;
        pop = ecdhEncryptedPop(taggedRequest, bodyPartId, key, subjectKeyId, challenge);
      } else {
        format = policy.format();
        pop = rsaEncryptedPop(taggedRequest, bodyPartId, key, subjectKeyId, policy, challenge);
      }
      byte[] protectionIv = token.generateRandom(GCM_IV_BYTES);
      byte[] protectedChallenge = token.encrypt(protectionKey,
          new SymmetricCipher.AesGcm(protectionIv, aad(requestId), 128), challenge);
      return new Challenge(pop, format, protectedChallenge, protectionIv, protectionKeyName);
    } catch (HsmException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the token could not make the EncryptedPOP challenge: "
          + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(challenge, (byte) 0);
    }
  }

  /** An AES-128 session key generated on the token, wrapped on the token for the subscriber's RSA key. */
  private ASN1Encodable rsaEncryptedPop(byte[] taggedRequest, int bodyPartId, SubjectPublicKeyInfo key,
      Optional<byte[]> subjectKeyId, EncryptedPopPolicy policy, byte[] challenge) {
    byte[] iv = token.generateRandom(16);
    KeyHandle sessionKey = null;
    KeyHandle subscriberKey = null;
    try {
      // Extractable only so it can be wrapped for the subscriber; a session object, destroyed below.
      sessionKey = token.generateAesKey(128, KeyAttributes.session(KeyUsage.ENCRYPT).allowWrappingOutOfToken());
      boolean dogtag = policy.format() == EncryptedPopPolicy.Format.DOGTAG;
      // Dogtag's client decrypts without unpadding (JSS AES_128_CBC), so its ciphertext must be unpadded.
      byte[] encrypted = token.encrypt(sessionKey, dogtag ? new SymmetricCipher.AesCbc(iv)
          : new SymmetricCipher.AesCbcPad(iv), challenge);
      subscriberKey = token.importPublicKey(jcaPublicKey(key, "RSA"), KeyAttributes.session(KeyUsage.WRAP,
          KeyUsage.ENCRYPT));
      byte[] wrappedKey = token.wrapKey(subscriberKey, new WrapMechanism.Rsa(padding(policy.keyTransport())),
          sessionKey);
      if (dogtag) {
        return dogtagEncryptedPop(taggedRequest, wrappedKey, encrypted, iv, challenge);
      }
      KeyTransRecipientInfo recipient = new KeyTransRecipientInfo(rfcRecipient(subjectKeyId, bodyPartId),
          keyTransportAlgorithm(policy.keyTransport()), new DEROctetString(wrappedKey));
      return encryptedPop(taggedRequest, rfcContent(iv, encrypted), new RecipientInfo(recipient), RFC_POP_ALGORITHM,
          challenge);
    } finally {
      token.destroyQuietly(subscriberKey);
      token.destroyQuietly(sessionKey);
    }
  }

  /**
   * RFC 5753 section 3.1.1, ephemeral-static ECDH: an ephemeral key pair on the subscriber's curve generated on the
   * token, the key-encryption key derived on the token from it and the subscriber's public key (X9.63 KDF over the
   * ECC-CMS-SharedInfo), and the AES-128 session key wrapped under it with AES Key Wrap (RFC 3394). SHA-256 and
   * AES-128 wrap for P-256, SHA-384 and AES-256 wrap for P-384 (the pairings of RFC 5008 and RFC 6318).
   */
  private ASN1Encodable ecdhEncryptedPop(byte[] taggedRequest, int bodyPartId, SubjectPublicKeyInfo key,
      Optional<byte[]> subjectKeyId, byte[] challenge) {
    EcdhSuite suite = EcdhSuite.forKey(key);
    PublicKey subscriber = jcaPublicKey(key, "EC");
    byte[] iv = token.generateRandom(16);
    KeyHandle ephemeral = null;
    KeyHandle kek = null;
    KeyHandle sessionKey = null;
    try {
      ephemeral = token.generateKeyPair(new KeyPairSpec.Ec(suite.curve()), KeyAttributes.session(KeyUsage.DERIVE));
      kek = token.deriveEcdhAesKey(ephemeral, subscriber, suite.kdfHash(), suite.sharedInfo(),
          suite.wrapKeyBits(), KeyAttributes.session(KeyUsage.WRAP));
      sessionKey = token.generateAesKey(128, KeyAttributes.session(KeyUsage.ENCRYPT).allowWrappingOutOfToken());
      byte[] encrypted = token.encrypt(sessionKey, new SymmetricCipher.AesCbcPad(iv), challenge);
      byte[] wrappedKey = token.wrapKey(kek, new WrapMechanism.AesKeyWrap(), sessionKey);
      SubjectPublicKeyInfo ephemeralKey = SubjectPublicKeyInfo.getInstance(token.publicKey(ephemeral).getEncoded());
      KeyAgreeRecipientIdentifier rid = subjectKeyId
          .map(ski -> new KeyAgreeRecipientIdentifier(new RecipientKeyIdentifier(ski)))
          .orElseGet(() -> new KeyAgreeRecipientIdentifier(new IssuerAndSerialNumber(new X500Name(new RDN[0]),
              java.math.BigInteger.valueOf(bodyPartId))));
      // RFC 5753 section 3.1.1: the originator's key is id-ecPublicKey with NULL parameters (the curve is the
      // recipient's).
      KeyAgreeRecipientInfo recipient = new KeyAgreeRecipientInfo(
          new OriginatorIdentifierOrKey(new OriginatorPublicKey(
              new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, DERNull.INSTANCE),
              ephemeralKey.getPublicKeyData().getBytes())),
          null, suite.keyEncryptionAlgorithm(),
          new DERSequence(new RecipientEncryptedKey(rid, new DEROctetString(wrappedKey))));
      return encryptedPop(taggedRequest, rfcContent(iv, encrypted), new RecipientInfo(recipient), RFC_POP_ALGORITHM,
          challenge);
    } finally {
      token.destroyQuietly(sessionKey);
      token.destroyQuietly(kek);
      token.destroyKeyPairQuietly(ephemeral);
    }
  }

  /** Decrypts a stored challenge on the token; fails if the row was altered or moved to another request. */
  public byte[] recover(long requestId, byte[] protectedChallenge, byte[] protectionIv) {
    try {
      return token.decrypt(protectionKey, new SymmetricCipher.AesGcm(protectionIv, aad(requestId), 128),
          protectedChallenge);
    } catch (HsmException e) {
      throw new CaException(FailInfo.POP_FAILED, "the stored challenge of request " + requestId
          + " does not decrypt under the POP protection key (altered, or protected by another key)", e);
    }
  }

  static byte[] witness(byte[] challenge) {
    return HashAlgorithm.SHA256.digest(challenge);
  }

  private static byte[] aad(long requestId) {
    return ("p11ca EncryptedPOP challenge for request " + requestId).getBytes(StandardCharsets.US_ASCII);
  }

  private static RsaPadding padding(EncryptedPopPolicy.KeyTransport transport) {
    return switch (transport) {
      case RSA_PKCS1 -> new RsaPadding.Pkcs1v15();
      case RSA_OAEP_SHA1 -> new RsaPadding.Oaep(HashAlgorithm.SHA1, HashAlgorithm.SHA1);
      case RSA_OAEP_SHA256 -> new RsaPadding.Oaep(HashAlgorithm.SHA256, HashAlgorithm.SHA256);
    };
  }

  private static ASN1Encodable dogtagEncryptedPop(byte[] taggedRequest, byte[] wrappedKey, byte[] encrypted,
      byte[] iv, byte[] challenge) {
    X500Name placeholder = new X500Name(new RDN[] {new RDN(new AttributeTypeAndValue(BCStyle.CN,
        new DERPrintableString("unUsedIssuerName")))});
    // Dogtag always says rsaEncryption here, whatever the transport; its client is configured for OAEP separately.
    KeyTransRecipientInfo recipient = new KeyTransRecipientInfo(new RecipientIdentifier(
        new IssuerAndSerialNumber(placeholder, java.math.BigInteger.ZERO)),
        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), new DEROctetString(wrappedKey));
    EncryptedContentInfo content = new EncryptedContentInfo(CMSObjectIdentifiers.data,
        new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes128_CBC, new DEROctetString(DOGTAG_DUMMY_IV)),
        new DEROctetString(encrypted));
    return encryptedPop(taggedRequest, content, new RecipientInfo(recipient),
        new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes128_CBC, new DEROctetString(iv)), challenge);
  }

  /**
   * RFC 5272 section 6.7: the recipient is the request's SKI if it has one, else issuerAndSerialNumber with the
   * issuer encoded as NULL (an empty name) and the serial as the request's bodyPartID.
   */
  private static RecipientIdentifier rfcRecipient(Optional<byte[]> subjectKeyId, int bodyPartId) {
    return subjectKeyId.map(ski -> new RecipientIdentifier(new DEROctetString(ski)))
        .orElseGet(() -> new RecipientIdentifier(new IssuerAndSerialNumber(new X500Name(new RDN[0]),
            java.math.BigInteger.valueOf(bodyPartId))));
  }

  private static EncryptedContentInfo rfcContent(byte[] iv, byte[] encrypted) {
    return new EncryptedContentInfo(CMSObjectIdentifiers.data,
        new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes128_CBC, new DEROctetString(iv)),
        new DEROctetString(encrypted));
  }

  private static AlgorithmIdentifier keyTransportAlgorithm(EncryptedPopPolicy.KeyTransport transport) {
    return switch (transport) {
      case RSA_PKCS1 -> new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
      // RFC 4055 section 4.1: the default parameters are SHA-1 and MGF1-SHA-1.
      case RSA_OAEP_SHA1 -> new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, new RSAESOAEPparams());
      case RSA_OAEP_SHA256 -> {
        AlgorithmIdentifier sha256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
        yield new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, new RSAESOAEPparams(sha256,
            new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, sha256), RSAESOAEPparams.DEFAULT_P_SOURCE_ALGORITHM));
      }
    };
  }

  private static ASN1Encodable encryptedPop(byte[] taggedRequest, EncryptedContentInfo content,
      RecipientInfo recipient, AlgorithmIdentifier popAlgorithm, byte[] challenge) {
    ContentInfo cms = new ContentInfo(CMSObjectIdentifiers.envelopedData,
        new EnvelopedData(null, new DERSet(recipient), content, (org.bouncycastle.asn1.ASN1Set) null));
    ASN1Primitive request;
    try {
      request = ASN1Primitive.fromByteArray(taggedRequest);
    } catch (IOException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the certification request cannot be re-read", e);
    }
    return new DERSequence(new ASN1Encodable[] {request, cms, popAlgorithm, WITNESS_ALGORITHM,
        new DEROctetString(witness(challenge))});
  }

  private static PublicKey jcaPublicKey(SubjectPublicKeyInfo key, String algorithm) {
    try {
      return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the request's " + algorithm + " public key cannot be read", e);
    }
  }
}
