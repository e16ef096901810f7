package org.p11ca.ca.cmc;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.CMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.SignatureAlgorithmIdentifierFinder;
import org.p11ca.ca.crypto.DigestCalculators;
import org.p11ca.ca.crypto.SignatureVerifiers;

/**
 * The one SignerInfo of a CMC SignedData and the certificates that came with it. Holds no opinion on whether the
 * signer is trusted: {@link #verify} only says whether a given key made the signature.
 */
public final class CmcSignature {

  /**
   * Built once and shared: their setup (algorithm name tables, provider look-ups) cost more than a verification's
   * own work when rebuilt per request, and after construction they are only read, so threads may share them.
   */
  private static final CMSSignatureAlgorithmNameGenerator NAMES = new DefaultCMSSignatureAlgorithmNameGenerator();
  private static final SignatureAlgorithmIdentifierFinder SIGNATURE_ALGORITHMS =
      new DefaultSignatureAlgorithmIdentifierFinder();
  private static final DigestCalculatorProvider DIGESTS = DigestCalculators.jdkFirst();

  private final SignerIdentifier signer;
  private final List<X509CertificateHolder> certificates;
  private final SignerInformation signerInfo;

  CmcSignature(SignerIdentifier signer, List<X509CertificateHolder> certificates, SignerInformation signerInfo) {
    this.signer = signer;
    this.certificates = List.copyOf(certificates);
    this.signerInfo = signerInfo;
  }

  public SignerIdentifier signer() {
    return signer;
  }

  /** The SignedData certificates in their order on the wire; empty for Dogtag's self-signed requests. */
  public List<X509CertificateHolder> certificates() {
    return certificates;
  }

  public AlgorithmIdentifier digestAlgorithm() {
    return signerInfo.getDigestAlgorithmID();
  }

  public AlgorithmIdentifier signatureAlgorithm() {
    return signerInfo.toASN1Structure().getDigestEncryptionAlgorithm();
  }

  /** The SignerInfo itself, for callers that need its attributes. */
  public SignerInformation signerInfo() {
    return signerInfo;
  }

  /** The carried certificate the SignerIdentifier names, if it was sent. */
  public Optional<X509CertificateHolder> signerCertificate() {
    return certificates.stream().filter(this::names).findFirst();
  }

  private boolean names(X509CertificateHolder cert) {
    if (signer instanceof SignerIdentifier.IssuerAndSerial ias) {
      return ias.issuer().equals(cert.getIssuer()) && ias.serial().equals(cert.getSerialNumber());
    }
    SignerIdentifier.SubjectKeyId ski = (SignerIdentifier.SubjectKeyId) signer;
    Extension ext = cert.getExtension(Extension.subjectKeyIdentifier);
    return ext != null
        && Arrays.equals(SubjectKeyIdentifier.getInstance(ext.getParsedValue()).getKeyIdentifier(), ski.keyId());
  }

  /**
   * Checks the signature with {@code key}: the messageDigest attribute against the eContent, the contentType
   * attribute against the eContentType (RFC 5652 section 11.1), and the signature over the signed attributes.
   */
  public SignatureCheck verify(PublicKey key) {
    ContentVerifierProvider verifiers;
    try {
      verifiers = SignatureVerifiers.of(key);
    } catch (OperatorCreationException e) {
      return new SignatureCheck.Invalid("cannot verify with a " + key.getAlgorithm() + " key: " + e.getMessage());
    }
    return verify(verifiers, key.getAlgorithm());
  }

  /**
   * {@link #verify(PublicKey)} with the verifiers of the key ({@code keyAlgorithm} names it in the reason), e.g. ones
   * kept for a signer that signs again and again.
   */
  public SignatureCheck verify(ContentVerifierProvider verifiers, String keyAlgorithm) {
    try {
      boolean ok = signerInfo.verify(new SignerInformationVerifier(NAMES, SIGNATURE_ALGORITHMS, verifiers,
          DIGESTS));
      return ok
          ? new SignatureCheck.Valid()
          : new SignatureCheck.Invalid("the signature does not verify with the given " + keyAlgorithm + " key");
    } catch (CMSSignerDigestMismatchException e) {
      return new SignatureCheck.Invalid("the messageDigest attribute does not match the signed content");
    } catch (CMSException e) {
      return new SignatureCheck.Invalid("signature check failed: " + e.getMessage());
    } catch (RuntimeException e) {
      // BC reports some malformed signatures and key/algorithm mismatches as unchecked exceptions.
      return new SignatureCheck.Invalid("signature check failed: " + e);
    }
  }

}
