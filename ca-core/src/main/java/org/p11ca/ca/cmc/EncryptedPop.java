package org.p11ca.ca.cmc;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.OriginatorPublicKey;
import org.bouncycastle.asn1.cms.RecipientEncryptedKey;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * The encryptedPOP control (RFC 5272 section 6.7) as a client reads it: the request it challenges (as sent), the
 * EnvelopedData holding the challenge, thePOPAlgID, the witness. Two encodings exist (README, "EncryptedPOP"):
 * Dogtag's, where thePOPAlgID is aes128-CBC carrying the IV of an unpadded encryption, and the RFC's, a standard
 * EnvelopedData with thePOPAlgID naming the MAC, whose recipient is key transport for an RSA key and ECDH key
 * agreement (RFC 5753) for an EC key. Either way the client decrypts with its private key
 * ({@link SessionKeyDecryptor}, on a token or in software), recovers the challenge, checks the witness and answers
 * with HMAC-SHA256(challenge, request).
 */
public final class EncryptedPop {

  /** Decrypts the challenge's session key with the requested key's private half, wherever it lives. */
  @FunctionalInterface
  public interface SessionKeyDecryptor {
    /** Key transport: the RSA-encrypted session key. */
    byte[] decrypt(byte[] encryptedKey, AlgorithmIdentifier keyTransport);

    /**
     * Key agreement (an EC key, RFC 5753): the challenge itself, from the key-encryption key agreed between the
     * requested key and the CA's ephemeral {@code originator} key by {@code suite}, the session key it wraps (AES Key
     * Wrap) and the AES-128-CBC-PAD content. A decryptor for RSA keys only keeps this default, which refuses.
     */
    default byte[] decryptAgreed(PublicKey originator, EcdhSuite suite, byte[] wrappedKey, byte[] iv,
        byte[] encryptedContent) {
      throw new CaException(FailInfo.BAD_ALG, "the challenge is encrypted by ECDH key agreement, which needs the"
          + " requested EC key");
    }
  }

  private final byte[] request;
  private final ContentInfo cms;
  private final AlgorithmIdentifier popAlgorithm;
  private final AlgorithmIdentifier witnessAlgorithm;
  private final byte[] witness;

  private EncryptedPop(byte[] request, ContentInfo cms, AlgorithmIdentifier popAlgorithm,
      AlgorithmIdentifier witnessAlgorithm, byte[] witness) {
    this.request = request;
    this.cms = cms;
    this.popAlgorithm = popAlgorithm;
    this.witnessAlgorithm = witnessAlgorithm;
    this.witness = witness;
  }

  public static EncryptedPop decode(ASN1Encodable value) {
    return Asn1Decoding.decode("encryptedPOP", () -> {
      ASN1Sequence s = ASN1Sequence.getInstance(value);
      if (s.size() != 5) {
        throw new IllegalArgumentException("expected 5 fields, got " + s.size());
      }
      byte[] request;
      try {
        request = s.getObjectAt(0).toASN1Primitive().getEncoded(ASN1Encoding.DER);
      } catch (IOException e) {
        throw new IllegalArgumentException(e);
      }
      return new EncryptedPop(request, ContentInfo.getInstance(s.getObjectAt(1)),
          AlgorithmIdentifier.getInstance(s.getObjectAt(2)), AlgorithmIdentifier.getInstance(s.getObjectAt(3)),
          ASN1OctetString.getInstance(s.getObjectAt(4)).getOctets());
    });
  }

  /** The challenged TaggedRequest exactly as the CA sent it back: resend it, and MAC it. */
  public byte[] request() {
    return request.clone();
  }

  public TaggedRequest parsedRequest() {
    return PkiDataParser.parseTaggedRequest(request);
  }

  public AlgorithmIdentifier popAlgorithm() {
    return popAlgorithm;
  }

  /** Dogtag's encoding: thePOPAlgID is aes128-CBC (the IV of the challenge's encryption), not a MAC. */
  public boolean dogtagFormat() {
    return NISTObjectIdentifiers.id_aes128_CBC.equals(popAlgorithm.getAlgorithm());
  }

  /**
   * Decrypts the challenge and checks it against the witness.
   *
   * @throws CaException POP_FAILED when the witness does not match (RFC 5272 section 6.7: the client must not answer)
   */
  public byte[] challenge(SessionKeyDecryptor decryptor) {
    // Read whole before any key is used, so a malformed part is BAD_REQUEST and a decryptor's own failure (a token,
    // a wrong key) keeps its reason.
    Envelope envelope = Asn1Decoding.decode("encryptedPOP cms", this::envelope);
    byte[] challenge;
    if (envelope instanceof Agreed agreed) {
      challenge = decryptor.decryptAgreed(originatorKey(agreed.originator(), agreed.suite()), agreed.suite(),
          agreed.encryptedKey(), agreed.iv(), agreed.encryptedContent());
    } else {
      Transported transported = (Transported) envelope;
      byte[] sessionKey = decryptor.decrypt(transported.encryptedKey(), transported.keyEncryption());
      challenge = aesCbc(sessionKey, transported.iv(), transported.encryptedContent(), !dogtagFormat());
      java.util.Arrays.fill(sessionKey, (byte) 0);
    }
    if (!MessageDigest.isEqual(digest(witnessAlgorithm, challenge), witness)) {
      throw new CaException(FailInfo.POP_FAILED, "the challenge does not match the encryptedPOP's witness: it was"
          + " not encrypted to this key, or was altered");
    }
    return challenge;
  }

  /** The challenge as sent: its session key for RSA key transport, or ECDH key agreement. */
  private sealed interface Envelope permits Transported, Agreed {
  }

  private record Transported(byte[] encryptedKey, AlgorithmIdentifier keyEncryption, byte[] iv,
      byte[] encryptedContent) implements Envelope {
  }

  private record Agreed(OriginatorPublicKey originator, EcdhSuite suite, byte[] encryptedKey, byte[] iv,
      byte[] encryptedContent) implements Envelope {
  }

  private Envelope envelope() {
    if (!CMSObjectIdentifiers.envelopedData.equals(cms.getContentType())) {
      throw new CaException(FailInfo.BAD_REQUEST, "the encryptedPOP's cms is " + cms.getContentType()
          + ", not EnvelopedData");
    }
    EnvelopedData env = EnvelopedData.getInstance(cms.getContent());
    if (env.getRecipientInfos().size() != 1) {
      throw new CaException(FailInfo.BAD_REQUEST, "the encryptedPOP names " + env.getRecipientInfos().size()
          + " recipients, not 1");
    }
    RecipientInfo ri = RecipientInfo.getInstance(env.getRecipientInfos().getObjectAt(0));
    EncryptedContentInfo content = env.getEncryptedContentInfo();
    AlgorithmIdentifier contentAlgorithm = content.getContentEncryptionAlgorithm();
    if (!NISTObjectIdentifiers.id_aes128_CBC.equals(contentAlgorithm.getAlgorithm())) {
      throw new CaException(FailInfo.BAD_ALG, "the challenge is encrypted with " + contentAlgorithm.getAlgorithm()
          + ", not aes128-CBC");
    }
    // Dogtag puts a dummy IV in the EnvelopedData and the real one in thePOPAlgID, and does not pad.
    byte[] iv = ASN1OctetString.getInstance(dogtagFormat() ? popAlgorithm.getParameters()
        : contentAlgorithm.getParameters()).getOctets();
    byte[] encryptedContent = content.getEncryptedContent().getOctets();
    if (ri.getInfo() instanceof KeyAgreeRecipientInfo kari && !dogtagFormat()) {
      EcdhSuite suite = EcdhSuite.forKeyEncryptionAlgorithm(kari.getKeyEncryptionAlgorithm());
      if (kari.getRecipientEncryptedKeys().size() != 1) {
        throw new CaException(FailInfo.BAD_REQUEST, "the encryptedPOP's key agreement names "
            + kari.getRecipientEncryptedKeys().size() + " recipients, not 1");
      }
      OriginatorPublicKey originator = kari.getOriginator().getOriginatorKey();
      if (originator == null) {
        throw new CaException(FailInfo.BAD_REQUEST, "the encryptedPOP's key agreement has no originator public"
            + " key (RFC 5753 section 3.1.1: ephemeral-static ECDH sends it)");
      }
      RecipientEncryptedKey key = RecipientEncryptedKey.getInstance(kari.getRecipientEncryptedKeys().getObjectAt(0));
      return new Agreed(originator, suite, key.getEncryptedKey().getOctets(), iv, encryptedContent);
    }
    if (ri.getInfo() instanceof KeyTransRecipientInfo ktri) {
      return new Transported(ktri.getEncryptedKey().getOctets(), ktri.getKeyEncryptionAlgorithm(), iv,
          encryptedContent);
    }
    throw new CaException(FailInfo.BAD_ALG, "the encryptedPOP's recipient is neither key transport (RSA) nor key"
        + " agreement (ECDH)");
  }

  /** The originator's point on the suite's curve (RFC 5753 sends id-ecPublicKey with NULL or absent parameters). */
  private static PublicKey originatorKey(OriginatorPublicKey originator, EcdhSuite suite) {
    try {
      SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(
          org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey,
          new org.bouncycastle.asn1.ASN1ObjectIdentifier(suite.curve().oid())), originator.getPublicKey().getBytes());
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the encryptedPOP's originator key is not a point on "
          + suite.curve(), e);
    }
  }

  /**
   * {@link SessionKeyDecryptor#decryptAgreed} for an EC private key in software: ECDH (JCA), the X9.63 KDF, AES key
   * unwrap (RFC 3394), AES-128-CBC-PAD.
   */
  public static byte[] decryptAgreedInSoftware(PrivateKey requestedKey, PublicKey originator, EcdhSuite suite,
      byte[] wrappedKey, byte[] iv, byte[] encryptedContent) {
    byte[] z = null;
    byte[] kek = null;
    try {
      KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
      ecdh.init(requestedKey);
      ecdh.doPhase(originator, true);
      z = ecdh.generateSecret();
      kek = suite.keyEncryptionKey(z);
      Cipher unwrap = Cipher.getInstance("AESWrap");
      unwrap.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
      byte[] sessionKey = unwrap.unwrap(wrappedKey, "AES", Cipher.SECRET_KEY).getEncoded();
      try {
        return aesCbc(sessionKey, iv, encryptedContent, true);
      } finally {
        java.util.Arrays.fill(sessionKey, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw new CaException(FailInfo.POP_FAILED, "the challenge does not decrypt with this EC key (the key"
          + " agreement or the key unwrap failed): " + e.getMessage(), e);
    } finally {
      if (z != null) {
        java.util.Arrays.fill(z, (byte) 0);
      }
      if (kek != null) {
        java.util.Arrays.fill(kek, (byte) 0);
      }
    }
  }

  /** thePOP of the answer: HMAC-SHA256 keyed with the challenge over the challenged request's bytes. */
  public byte[] proof(byte[] challenge) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(challenge, "HmacSHA256"));
      return mac.doFinal(request);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] aesCbc(byte[] key, byte[] iv, byte[] ciphertext, boolean padded) {
    try {
      Cipher c = Cipher.getInstance(padded ? "AES/CBC/PKCS5Padding" : "AES/CBC/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return c.doFinal(ciphertext);
    } catch (GeneralSecurityException e) {
      throw new CaException(FailInfo.POP_FAILED, "the challenge does not decrypt with the session key: "
          + e.getMessage(), e);
    }
  }

  private static byte[] digest(AlgorithmIdentifier algorithm, byte[] data) {
    String name;
    if (NISTObjectIdentifiers.id_sha256.equals(algorithm.getAlgorithm())) {
      name = "SHA-256";
    } else if (NISTObjectIdentifiers.id_sha384.equals(algorithm.getAlgorithm())) {
      name = "SHA-384";
    } else if (NISTObjectIdentifiers.id_sha512.equals(algorithm.getAlgorithm())) {
      name = "SHA-512";
    } else if (org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1.equals(algorithm.getAlgorithm())) {
      name = "SHA-1";
    } else {
      throw new CaException(FailInfo.BAD_ALG, "witness algorithm " + algorithm.getAlgorithm() + " is not supported");
    }
    try {
      return MessageDigest.getInstance(name).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(name + " is part of every JDK", e);
    }
  }

  /** Whether the key transport is RSAES-OAEP (the RFC format says so; Dogtag's says rsaEncryption either way). */
  public static boolean oaep(AlgorithmIdentifier keyTransport) {
    return PKCSObjectIdentifiers.id_RSAES_OAEP.equals(keyTransport.getAlgorithm());
  }

  @Override
  public String toString() {
    return "EncryptedPOP[" + (dogtagFormat() ? "dogtag" : "rfc") + ", request " + request.length + " bytes]";
  }
}
