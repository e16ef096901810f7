package org.p11ca.client;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers;
import org.bouncycastle.asn1.crmf.EncryptedKey;
import org.bouncycastle.asn1.crmf.EncryptedValue;
import org.bouncycastle.asn1.crmf.PKIArchiveOptions;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * The KRA transport certificate a request key is archived to: the key goes into the CertRequest as the control
 * id-regCtrl-pkiArchiveOptions, encryptedPrivKey [0] EncryptedValue (RFC 4211 sections 6.4 and 6.4.1, Appendix B),
 * the shape Dogtag's CRMFPopClient -b sends: symmAlg, encSymmKey and encValue only.
 *
 * <p>symmAlg is id-aes128-wrap-pad and encValue is a true RFC 5649 wrap of the DER PKCS#8 PrivateKeyInfo. NSS,
 * under the same OID, sends RFC 3394 over the PKCS#7-padded key (shared/fixtures/dogtag/README.md); a KRA that
 * follows the RFC reads this one, and ca-core's KeyArchiver reads both.
 */
final class KraTransport {

  /** How the session key is encrypted to the transport key; nothing in the EncryptedValue says, the KRA is set. */
  enum Padding {
    /** RSAES-PKCS1-v1_5, CRMFPopClient's default. */
    PKCS1("RSA PKCS#1 v1.5"),
    /**
     * RSAES-OAEP with RFC 8017's default parameters, SHA-1 and MGF1-SHA-1: the only OAEP SoftHSM 2.6.1 unwraps.
     * (CRMFPopClient --oaep uses SHA-256, which such a KRA must refuse.)
     */
    OAEP_SHA1("RSA-OAEP SHA-1/MGF1-SHA-1");

    private final String text;

    Padding(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  /** AES-128, the session key size NSS uses and id-aes128-wrap-pad names. */
  private static final int SESSION_KEY_BYTES = 16;
  private static final int KEY_ENCIPHERMENT = 2;

  private final X509Certificate certificate;
  private final Padding padding;

  private KraTransport(X509Certificate certificate, Padding padding) {
    this.certificate = certificate;
    this.padding = Objects.requireNonNull(padding);
  }

  /**
   * Reads and checks the transport certificate: an RSA key (the session key is RSA-encrypted), and a keyUsage
   * that, when present, allows keyEncipherment (RFC 5280 section 4.2.1.3: that bit is for transporting keys).
   */
  static KraTransport read(Path file, Padding padding) {
    X509Certificate cert = Pem.readCertificate(file, "KRA transport certificate file");
    String subject = cert.getSubjectX500Principal().getName();
    if (!(cert.getPublicKey() instanceof RSAPublicKey)) {
      throw new CmcToolException("KRA transport certificate '" + subject + "' has a "
          + cert.getPublicKey().getAlgorithm() + " key; archival needs an RSA transport key");
    }
    boolean[] usage = cert.getKeyUsage();
    if (usage != null && (usage.length <= KEY_ENCIPHERMENT || !usage[KEY_ENCIPHERMENT])) {
      throw new CmcToolException("KRA transport certificate '" + subject + "' does not allow keyEncipherment in"
          + " its keyUsage, so it may not transport a key");
    }
    return new KraTransport(cert, padding);
  }

  String describe() {
    return "'" + certificate.getSubjectX500Principal().getName() + "' (" + padding + ")";
  }

  /**
   * The PKIArchiveOptions control carrying {@code key}: a fresh AES-128 key wraps the PKCS#8 (RFC 5649) and is
   * itself encrypted to the transport key. The session key and the PKCS#8 bytes are wiped afterwards.
   */
  AttributeTypeAndValue archiveControl(PrivateKey key) {
    byte[] pkcs8 = key.getEncoded();
    if (pkcs8 == null || !"PKCS#8".equals(key.getFormat())) {
      throw new CmcToolException("the " + key.getAlgorithm() + " request key has no PKCS#8 encoding, so it cannot"
          + " be archived");
    }
    byte[] sessionKey = new byte[SESSION_KEY_BYTES];
    RANDOM.nextBytes(sessionKey);
    try {
      byte[] wrapped = rfc5649Wrap(sessionKey, pkcs8);
      byte[] encryptedSessionKey = encryptToTransport(sessionKey);
      // RFC 5649 section 6 (via RFC 3565): id-aes128-wrap-pad takes no parameters.
      EncryptedValue value = new EncryptedValue(null, new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes128_wrap_pad),
          new DERBitString(encryptedSessionKey), null, null, new DERBitString(wrapped));
      return new AttributeTypeAndValue(CRMFObjectIdentifiers.id_regCtrl_pkiArchiveOptions,
          new PKIArchiveOptions(new EncryptedKey(value)));
    } finally {
      Arrays.fill(sessionKey, (byte) 0);
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static byte[] rfc5649Wrap(byte[] sessionKey, byte[] pkcs8) {
    try {
      Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
      kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"));
      return kwp.doFinal(pkcs8);
    } catch (GeneralSecurityException e) {
      throw new CmcToolException("cannot wrap the request key with AES key wrap with padding (RFC 5649): "
          + e.getMessage(), e);
    }
  }

  private byte[] encryptToTransport(byte[] sessionKey) {
    PublicKey transportKey = certificate.getPublicKey();
    try {
      Cipher rsa;
      if (padding == Padding.OAEP_SHA1) {
        // Spelled out: the JDK's "OAEPWithSHA-1AndMGF1Padding" agrees today, but the KRA's token is configured
        // for exactly these parameters and a provider default is not a promise.
        rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(Cipher.ENCRYPT_MODE, transportKey, new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
            PSource.PSpecified.DEFAULT), RANDOM);
      } else {
        rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.ENCRYPT_MODE, transportKey, RANDOM);
      }
      return rsa.doFinal(sessionKey);
    } catch (GeneralSecurityException e) {
      throw new CmcToolException("cannot encrypt the session key to the KRA transport certificate with " + padding
          + ": " + e.getMessage(), e);
    }
  }
}
