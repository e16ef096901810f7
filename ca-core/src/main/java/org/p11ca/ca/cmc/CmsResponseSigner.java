package org.p11ca.ca.cmc;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.CollectionStore;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** Wraps response content in SignedData (RFC 5652 section 5), the only place responses meet CMS generation. */
final class CmsResponseSigner {

  /** Shared: it only hands out fresh digest calculators, and building it per response looks up providers again. */
  private static final DigestCalculatorProvider DIGESTS = digests();

  private CmsResponseSigner() {
  }

  private static DigestCalculatorProvider digests() {
    try {
      return new JcaDigestCalculatorProviderBuilder().build();
    } catch (OperatorCreationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * SignedData over {@code content} with one SignerInfo identified by issuerAndSerialNumber (version 1, the form
   * Dogtag's tools expect) and no cmsAlgorithmProtect attribute.
   */
  static byte[] sign(ASN1ObjectIdentifier contentType, byte[] content, List<X509CertificateHolder> certificates,
      ContentSigner signer, X509CertificateHolder signerCertificate, Clock clock) {
    try {
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addSignerInfoGenerator(new SignerInfoGeneratorBuilder(DIGESTS)
          .setSignedAttributeGenerator(new SignedAttributesWithoutAlgorithmProtect(clock))
          .build(signer, signerCertificate));
      gen.addCertificates(new CollectionStore<>(certificates));
      // Definite-length, not DER: only the signed attributes need DER (RFC 5652 5.4), and they have it. DER would
      // sort the certificates SET by encoding every certificate once more, a few percent of an issuance's CPU.
      return gen.generate(new CMSProcessableByteArray(contentType, content), true).getEncoded(ASN1Encoding.DL);
    } catch (CMSException | OperatorCreationException | IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot sign the CMC response: " + e.getMessage(), e);
    }
  }

  /** SignedData whose one SignerInfo names its key by subjectKeyIdentifier (version 3), with no certificates. */
  static byte[] signByKeyId(ASN1ObjectIdentifier contentType, byte[] content, ContentSigner signer,
      byte[] subjectKeyId, Clock clock) {
    try {
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addSignerInfoGenerator(new SignerInfoGeneratorBuilder(DIGESTS)
          .setSignedAttributeGenerator(new SignedAttributesWithoutAlgorithmProtect(clock))
          .build(signer, subjectKeyId));
      return gen.generate(new CMSProcessableByteArray(contentType, content), true).getEncoded(ASN1Encoding.DER);
    } catch (CMSException | OperatorCreationException | IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot sign the CMC request: " + e.getMessage(), e);
    }
  }

  /** Certs-only SignedData: no signers, eContentType id-data with no eContent (RFC 5272 section 4.1). */
  static byte[] certsOnly(List<X509CertificateHolder> certificates) {
    try {
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addCertificates(new CollectionStore<>(certificates));
      return gen.generate(new CMSAbsentContent(), false).getEncoded(ASN1Encoding.DER);
    } catch (CMSException | IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot encode the certs-only response: " + e.getMessage(),
          e);
    }
  }
}
