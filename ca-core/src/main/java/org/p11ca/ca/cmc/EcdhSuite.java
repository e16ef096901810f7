package org.p11ca.ca.cmc;

import java.io.IOException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.ecc.ECCCMSSharedInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.generators.KDF2BytesGenerator;
import org.bouncycastle.crypto.params.KDFParameters;
import org.bouncycastle.util.Pack;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.HashAlgorithm;

/**
 * The ephemeral-static ECDH key agreement of RFC 5753 section 3.1.1 as the EncryptedPOP challenge uses it, one suite
 * per curve, paired as RFC 5008 and RFC 6318 pair them: P-256 with dhSinglePass-stdDH-sha256kdf-scheme and
 * id-aes128-wrap, P-384 with dhSinglePass-stdDH-sha384kdf-scheme and id-aes256-wrap. No user keying material (ukm)
 * is sent: the originator's key is fresh for every challenge.
 */
public enum EcdhSuite {
  P256(EcCurve.P256, HashAlgorithm.SHA256, SECObjectIdentifiers.dhSinglePass_stdDH_sha256kdf_scheme,
      NISTObjectIdentifiers.id_aes128_wrap, 128),
  P384(EcCurve.P384, HashAlgorithm.SHA384, SECObjectIdentifiers.dhSinglePass_stdDH_sha384kdf_scheme,
      NISTObjectIdentifiers.id_aes256_wrap, 256);

  private final EcCurve curve;
  private final HashAlgorithm kdfHash;
  private final ASN1ObjectIdentifier scheme;
  private final ASN1ObjectIdentifier wrap;
  private final int wrapKeyBits;

  EcdhSuite(EcCurve curve, HashAlgorithm kdfHash, ASN1ObjectIdentifier scheme, ASN1ObjectIdentifier wrap,
      int wrapKeyBits) {
    this.curve = curve;
    this.kdfHash = kdfHash;
    this.scheme = scheme;
    this.wrap = wrap;
    this.wrapKeyBits = wrapKeyBits;
  }

  /** The suite for a subscriber's EC key. */
  public static EcdhSuite forKey(SubjectPublicKeyInfo key) {
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm().getAlgorithm())) {
      throw new CaException(FailInfo.BAD_ALG, "ECDH needs an EC key, not " + key.getAlgorithm().getAlgorithm());
    }
    byte[] params;
    try {
      params = key.getAlgorithm().getParameters().toASN1Primitive().getEncoded();
    } catch (IOException | RuntimeException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the EC key's curve cannot be read", e);
    }
    EcCurve curve = EcCurve.fromEcParams(params).orElseThrow(() -> new CaException(FailInfo.BAD_ALG,
        "an EncryptedPOP challenge for an EC key is made on P-256 or P-384 only"));
    return Arrays.stream(values()).filter(s -> s.curve == curve).findFirst().orElseThrow(() ->
        new CaException(FailInfo.BAD_ALG, "an EncryptedPOP challenge for an EC key is made on P-256 or P-384 only,"
            + " not " + curve));
  }

  /** The suite a KeyAgreeRecipientInfo's keyEncryptionAlgorithm names (the scheme, with the key wrap inside). */
  public static EcdhSuite forKeyEncryptionAlgorithm(AlgorithmIdentifier algorithm) {
    AlgorithmIdentifier wrapAlgorithm;
    try {
      wrapAlgorithm = AlgorithmIdentifier.getInstance(algorithm.getParameters());
    } catch (RuntimeException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the key agreement's key wrap algorithm cannot be read", e);
    }
    for (EcdhSuite s : values()) {
      if (s.scheme.equals(algorithm.getAlgorithm()) && wrapAlgorithm != null
          && s.wrap.equals(wrapAlgorithm.getAlgorithm())) {
        return s;
      }
    }
    throw new CaException(FailInfo.BAD_ALG, "key agreement " + algorithm.getAlgorithm() + " with key wrap "
        + (wrapAlgorithm == null ? "(none)" : wrapAlgorithm.getAlgorithm()) + " is not one this CA uses");
  }

  public EcCurve curve() {
    return curve;
  }

  public HashAlgorithm kdfHash() {
    return kdfHash;
  }

  public int wrapKeyBits() {
    return wrapKeyBits;
  }

  /** The KeyAgreeRecipientInfo's keyEncryptionAlgorithm: the scheme, its parameter the KeyWrapAlgorithm. */
  public AlgorithmIdentifier keyEncryptionAlgorithm() {
    return new AlgorithmIdentifier(scheme, new AlgorithmIdentifier(wrap));
  }

  /** The DER ECC-CMS-SharedInfo (RFC 5753 section 7.2) the KDF runs over: the key wrap, and its key size in bits. */
  public byte[] sharedInfo() {
    try {
      return new ECCCMSSharedInfo(new AlgorithmIdentifier(wrap), Pack.intToBigEndian(wrapKeyBits)).getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("encoding an ECC-CMS-SharedInfo failed", e);
    }
  }

  /**
   * The key-encryption key from the shared secret Z in software (ANSI X9.63, BC's KDF2 generator), for a subscriber
   * whose private key is in software; the CA derives it on the token instead.
   */
  public byte[] keyEncryptionKey(byte[] sharedSecret) {
    KDF2BytesGenerator kdf = new KDF2BytesGenerator(kdfHash == HashAlgorithm.SHA256 ? new SHA256Digest()
        : new SHA384Digest());
    kdf.init(new KDFParameters(sharedSecret, sharedInfo()));
    byte[] key = new byte[wrapKeyBits / 8];
    kdf.generateBytes(key, 0, key.length);
    return key;
  }
}
