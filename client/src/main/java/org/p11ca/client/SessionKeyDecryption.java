package org.p11ca.client;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.p11ca.ca.cmc.EcdhSuite;
import org.p11ca.ca.cmc.EncryptedPop;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.SymmetricCipher;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.WrapMechanism;

/**
 * Decrypts an EncryptedPOP's session key with the requested key, in software or on its token: RSA key transport,
 * or for an EC key ECDH key agreement (RFC 5753, the RFC format only). The RSA padding comes
 * from the KeyTransRecipientInfo when it says id-RSAES-OAEP (the RFC format, RFC 4055 parameters); Dogtag's format
 * always says rsaEncryption, so there {@code --oaep} (its CMCRequest's {@code oaep=true}) means what Dogtag's
 * {@code keyWrap.useOAEP} sends: OAEP with SHA-256 and MGF1-SHA-256, empty label. Otherwise PKCS#1 v1.5.
 */
final class SessionKeyDecryption implements EncryptedPop.SessionKeyDecryptor {

  private final RequestKey key;
  private final boolean dogtagOaep;
  private Optional<String> used = Optional.empty();

  SessionKeyDecryption(RequestKey key, boolean dogtagOaep) {
    this.key = key;
    this.dogtagOaep = dogtagOaep;
  }

  /** How the session key reached this key ("RSA PKCS#1 v1.5", "ECDH P-256 ..."), once it did. */
  Optional<String> used() {
    return used;
  }

  @Override
  public byte[] decrypt(byte[] encryptedKey, AlgorithmIdentifier keyTransport) {
    RsaPadding padding = padding(keyTransport, dogtagOaep);
    used = Optional.of(describe(padding));
    // Said in both failures: a wrong key mostly shows as bad padding, and the witness check words it the same way.
    String why = ": the challenge was not encrypted to this key, or not with " + describe(padding)
        + (padding instanceof RsaPadding.Pkcs1v15 && !EncryptedPop.oaep(keyTransport)
            ? " (if the CA sends OAEP in Dogtag's format, give --oaep)" : "");
    if (key instanceof RequestKey.OnToken onToken) {
      try {
        return onToken.token().decrypt(onToken.key(), padding, encryptedKey);
      } catch (HsmException e) {
        throw new CmcToolException("cannot decrypt the encryptedPOP's session key with " + named(key) + why
            + " (" + e.getMessage() + ")", e);
      }
    }
    RequestKey.Software software = (RequestKey.Software) key;
    try {
      Cipher rsa;
      if (padding instanceof RsaPadding.Oaep oaep) {
        rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        // Explicit parameters: the JCE name "OAEPWithSHA-256AndMGF1Padding" would keep MGF1 at SHA-1.
        rsa.init(Cipher.DECRYPT_MODE, software.privateKey(), new OAEPParameterSpec(oaep.hash().jcaName(), "MGF1",
            new MGF1ParameterSpec(oaep.mgfHash().jcaName()), PSource.PSpecified.DEFAULT));
      } else {
        rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.DECRYPT_MODE, software.privateKey());
      }
      return rsa.doFinal(encryptedKey);
    } catch (GeneralSecurityException e) {
      throw new CmcToolException("cannot decrypt the encryptedPOP's session key with " + named(key) + why, e);
    }
  }

  /**
   * ECDH (RFC 5753) with the requested EC key: in software, or on its token, where the key-encryption key and the
   * session key it unwraps are sensitive session objects that decrypt the challenge there and are then destroyed.
   */
  @Override
  public byte[] decryptAgreed(PublicKey originator, EcdhSuite suite, byte[] wrappedKey, byte[] iv,
      byte[] encryptedContent) {
    used = Optional.of("ECDH " + suite.curve() + ", " + suite.kdfHash().jcaName() + " KDF, AES-"
        + suite.wrapKeyBits() + " key wrap");
    String why = ": the challenge was not encrypted to this key";
    if (key instanceof RequestKey.OnToken onToken) {
      Token token = onToken.token();
      KeyHandle kek = null;
      KeyHandle sessionKey = null;
      try {
        kek = token.deriveEcdhAesKey(onToken.key(), originator, suite.kdfHash(), suite.sharedInfo(),
            suite.wrapKeyBits(), KeyAttributes.session(KeyUsage.UNWRAP));
        sessionKey = token.unwrapKey(kek, new WrapMechanism.AesKeyWrap(), wrappedKey, ObjectClass.SECRET_KEY,
            KeyType.AES, KeyAttributes.session(KeyUsage.DECRYPT));
        return token.decrypt(sessionKey, new SymmetricCipher.AesCbcPad(iv), encryptedContent);
      } catch (HsmException e) {
        throw new CmcToolException("cannot decrypt the encryptedPOP's challenge with " + named(key) + why + " ("
            + e.getMessage() + ")", e);
      } finally {
        token.destroyQuietly(sessionKey);
        token.destroyQuietly(kek);
      }
    }
    try {
      return EncryptedPop.decryptAgreedInSoftware(((RequestKey.Software) key).privateKey(), originator, suite,
          wrappedKey, iv, encryptedContent);
    } catch (org.p11ca.ca.error.CaException e) {
      throw new CmcToolException("cannot decrypt the encryptedPOP's challenge with " + named(key) + why + " ("
          + ErrorReporter.oneLine(e.getMessage()) + ")", e);
    }
  }

  /** "the key in FILE" or "token 'T' key 'L'", for messages. */
  static String named(RequestKey key) {
    return key instanceof RequestKey.Software ? "the key in " + key.describe() : key.describe();
  }

  static RsaPadding padding(AlgorithmIdentifier keyTransport, boolean dogtagOaep) {
    ASN1ObjectIdentifier oid = keyTransport.getAlgorithm();
    if (EncryptedPop.oaep(keyTransport)) {
      return oaep(keyTransport);
    }
    if (!PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
      throw new CmcToolException("the encryptedPOP's session key is encrypted with " + oid.getId()
          + ", not RSA (rsaEncryption or id-RSAES-OAEP): p11ca-cmc cannot decrypt it");
    }
    return dogtagOaep ? new RsaPadding.Oaep(HashAlgorithm.SHA256, HashAlgorithm.SHA256) : new RsaPadding.Pkcs1v15();
  }

  /** RFC 4055 section 4.1 RSAES-OAEP-params; absent fields are SHA-1, MGF1-SHA-1 and the empty label. */
  private static RsaPadding oaep(AlgorithmIdentifier keyTransport) {
    RSAESOAEPparams params;
    try {
      params = keyTransport.getParameters() == null ? new RSAESOAEPparams()
          : RSAESOAEPparams.getInstance(keyTransport.getParameters());
    } catch (RuntimeException e) {
      throw new CmcToolException("the encryptedPOP's RSAES-OAEP parameters cannot be read: "
          + ErrorReporter.oneLine(e.getMessage()));
    }
    HashAlgorithm hash = hash(params.getHashAlgorithm(), "hash");
    AlgorithmIdentifier mgf = params.getMaskGenAlgorithm();
    if (!PKCSObjectIdentifiers.id_mgf1.equals(mgf.getAlgorithm())) {
      throw new CmcToolException("the encryptedPOP's OAEP mask generation " + mgf.getAlgorithm().getId()
          + " is not MGF1");
    }
    HashAlgorithm mgfHash = hash(AlgorithmIdentifier.getInstance(mgf.getParameters()), "MGF1 hash");
    // RsaPadding.Oaep has the empty label only, which is what every CA sends (RFC 4055: pSpecified empty).
    if (!RSAESOAEPparams.DEFAULT_P_SOURCE_ALGORITHM.equals(params.getPSourceAlgorithm())) {
      throw new CmcToolException("the encryptedPOP's OAEP label is not empty: p11ca-cmc decrypts only with the"
          + " empty label");
    }
    return new RsaPadding.Oaep(hash, mgfHash);
  }

  private static HashAlgorithm hash(AlgorithmIdentifier algorithm, String what) {
    String oid = algorithm.getAlgorithm().getId();
    for (HashAlgorithm h : HashAlgorithm.values()) {
      if (h.oid().equals(oid)) {
        return h;
      }
    }
    throw new CmcToolException("the encryptedPOP's OAEP " + what + " " + oid + " is not supported");
  }

  static String describe(RsaPadding padding) {
    if (padding instanceof RsaPadding.Oaep oaep) {
      return "RSA-OAEP " + oaep.hash().jcaName() + "/MGF1-" + oaep.mgfHash().jcaName();
    }
    return "RSA PKCS#1 v1.5";
  }
}
