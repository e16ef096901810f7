package org.p11ca.ca.cmc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.SignerInformation;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** The CMS layer shared by request and response parsing (RFC 5652 sections 3 and 5). */
final class SignedDataReader {

  private SignedDataReader() {
  }

  /** One ContentInfo filling all of {@code der}: no stray bytes after it (BER lengths are accepted here). */
  static ContentInfo contentInfo(byte[] der, String what) {
    if (der.length == 0) {
      throw new CaException(FailInfo.BAD_REQUEST, what + " is empty");
    }
    ContentInfo ci = Asn1Decoding.decode(what + " ContentInfo",
        () -> ContentInfo.getInstance(PkiDataParser.readDer(der)));
    if (ci == null || ci.getContent() == null) {
      throw new CaException(FailInfo.BAD_REQUEST, what + " ContentInfo has no content");
    }
    return ci;
  }

  static CMSSignedData signedData(ContentInfo ci) {
    return Asn1Decoding.decode("SignedData", () -> {
      try {
        return new CMSSignedData(ci);
      } catch (CMSException e) {
        throw new IllegalArgumentException(Asn1Decoding.oneLine(e), e);
      }
    });
  }

  static Optional<byte[]> eContent(CMSSignedData sd) {
    CMSTypedData content = sd.getSignedContent();
    if (content == null) {
      return Optional.empty();
    }
    return Optional.of(Asn1Decoding.decode("SignedData eContent", () -> (byte[]) content.getContent()));
  }

  static List<X509CertificateHolder> certificates(CMSSignedData sd) {
    return Asn1Decoding.decode("SignedData certificates", () -> {
      Collection<X509CertificateHolder> certs = sd.getCertificates().getMatches(null);
      for (X509CertificateHolder cert : certs) {
        DistinguishedNames.requireWellFormed(cert.getSubject(), "a SignedData certificate's subject");
        DistinguishedNames.requireWellFormed(cert.getIssuer(), "a SignedData certificate's issuer");
      }
      return List.copyOf(new ArrayList<>(certs));
    });
  }

  /**
   * The one SignerInfo. RFC 5272 section 3.2 has the Full PKI Request signed by the client (or an RA); a second
   * SignerInfo would leave open whose identity later checks bind to, so exactly one is required.
   */
  static CmcSignature signature(CMSSignedData sd) {
    Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
    if (signers.size() != 1) {
      throw new CaException(FailInfo.BAD_MESSAGE_CHECK,
          "SignedData has " + signers.size() + " SignerInfos; exactly one is required");
    }
    SignerInformation si = signers.iterator().next();
    SignerId sid = si.getSID();
    SignerIdentifier id;
    if (sid.getIssuer() != null && sid.getSerialNumber() != null) {
      id = new SignerIdentifier.IssuerAndSerial(DistinguishedNames.requireWellFormed(sid.getIssuer(),
          "the SignerInfo's issuer"), sid.getSerialNumber());
    } else if (sid.getSubjectKeyIdentifier() != null) {
      id = new SignerIdentifier.SubjectKeyId(sid.getSubjectKeyIdentifier());
    } else {
      throw new CaException(FailInfo.BAD_MESSAGE_CHECK, "SignerInfo has no usable SignerIdentifier");
    }
    return new CmcSignature(id, certificates(sd), si);
  }
}
