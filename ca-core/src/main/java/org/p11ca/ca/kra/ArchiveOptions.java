package org.p11ca.ca.kra;

import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.Controls;
import org.bouncycastle.asn1.crmf.EncryptedKey;
import org.bouncycastle.asn1.crmf.EncryptedValue;
import org.bouncycastle.asn1.crmf.PKIArchiveOptions;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * The private key a CRMF request sends for archival: PKIArchiveOptions encryptedPrivKey (RFC 4211 section 6.4) as
 * an EncryptedValue (section 6.4.1 / RFC 4211 Appendix) whose session key is encrypted to the KRA transport
 * certificate. This is what Dogtag's CRMFPopClient -b and {@code p11ca-cmc crmf --transport} send.
 *
 * @param encryptedSessionKey encSymmKey: the symmetric key, RSA-encrypted to the transport key
 * @param symmetricAlgorithm symmAlg: how encValue was made with that key
 * @param encryptedKey encValue: the PKCS#8 private key, encrypted (wrapped) with the session key
 */
public record ArchiveOptions(byte[] encryptedSessionKey, AlgorithmIdentifier symmetricAlgorithm, byte[] encryptedKey) {

  public ArchiveOptions {
    encryptedSessionKey = encryptedSessionKey.clone();
    encryptedKey = encryptedKey.clone();
  }

  @Override
  public byte[] encryptedSessionKey() {
    return encryptedSessionKey.clone();
  }

  @Override
  public byte[] encryptedKey() {
    return encryptedKey.clone();
  }

  /**
   * @return empty when the request carries no PKIArchiveOptions
   * @throws CaException BAD_REQUEST for the forms this KRA does not take (keyGenParameters, archiveRemGenPrivKey,
   *     an EnvelopedData key, an EncryptedValue without its session key)
   */
  public static Optional<ArchiveOptions> of(CertReqMsg msg) {
    try {
      return decode(msg);
    } catch (CaException e) {
      throw e;
    } catch (RuntimeException e) {
      // Bouncy Castle decodes the controls as they are read, and fails with whatever the malformed structure makes
      // it hit (IllegalArgumentException, ClassCastException, ArrayIndexOutOfBoundsException...).
      String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
          .orElse("");
      throw new CaException(FailInfo.BAD_REQUEST, "malformed PKIArchiveOptions: " + detail, e);
    }
  }

  private static Optional<ArchiveOptions> decode(CertReqMsg msg) {
    Controls controls = msg.getCertReq().getControls();
    if (controls == null) {
      return Optional.empty();
    }
    AttributeTypeAndValue[] found = Arrays.stream(controls.toAttributeTypeAndValueArray())
        .filter(a -> CRMFObjectIdentifiers.id_regCtrl_pkiArchiveOptions.equals(a.getType()))
        .toArray(AttributeTypeAndValue[]::new);
    if (found.length == 0) {
      return Optional.empty();
    }
    if (found.length > 1) {
      throw new CaException(FailInfo.BAD_REQUEST, "the request carries " + found.length + " PKIArchiveOptions");
    }
    PKIArchiveOptions options = PKIArchiveOptions.getInstance(found[0].getValue());
    if (options.getType() != PKIArchiveOptions.encryptedPrivKey) {
      throw new CaException(FailInfo.BAD_REQUEST, "PKIArchiveOptions must carry the encrypted private key"
          + " (encryptedPrivKey); keyGenParameters and archiveRemGenPrivKey are not supported");
    }
    EncryptedKey key = EncryptedKey.getInstance(options.getValue());
    if (!key.isEncryptedValue()) {
      throw new CaException(FailInfo.BAD_REQUEST, "the archived key is an EnvelopedData; this KRA takes an"
          + " EncryptedValue (RFC 4211 section 6.4)");
    }
    EncryptedValue value = EncryptedValue.getInstance(key.getValue());
    if (value.getEncSymmKey() == null || value.getSymmAlg() == null) {
      throw new CaException(FailInfo.BAD_REQUEST, "the archived key's EncryptedValue lacks symmAlg or encSymmKey");
    }
    return Optional.of(new ArchiveOptions(value.getEncSymmKey().getOctets(), value.getSymmAlg(),
        value.getEncValue().getOctets()));
  }

}
