package org.p11ca.ca.issuance;

import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.ca.cmc.DerTime;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.SubjectNamePolicy;

/**
 * Everything of a certificate but its serial and signature, decided from an approved request, the profile and the
 * CA certificate. {@link #prepare} is pure: it reads no clock and touches no token.
 */
record CertificateDraft(Optional<Long> requestId, String profileId, X500Name subject, SubjectPublicKeyInfo publicKey, Instant notBefore,
    Instant notAfter, List<Extension> extensions) {

  CertificateDraft {
    extensions = List.copyOf(extensions);
  }

  static CertificateDraft prepare(ApprovedRequest request, IssuingCa ca, Instant now) {
    Profile profile = request.profile();
    SubjectKeyCheck.require(profile, request.publicKey());
    X500Name subject = issuedSubject(profile, request.subject());
    // X.509 times have one-second precision; truncating keeps notBefore equal to what is encoded.
    Instant notBefore = now.truncatedTo(ChronoUnit.SECONDS);
    if (notBefore.isBefore(ca.notBefore()) || !notBefore.isBefore(ca.notAfter())) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the CA certificate is not valid now (valid "
          + ca.notBefore() + " to " + ca.notAfter() + ")");
    }
    // RFC 5280 6.1.3 (a)(2): a relying party rejects a path at any time the issuer is not valid, so a certificate
    // outliving its CA certificate would be unusable for the remainder; clamp it.
    Instant wanted = notBefore.plus(profile.validity());
    Instant notAfter = (wanted.isAfter(ca.notAfter()) ? ca.notAfter() : wanted).truncatedTo(ChronoUnit.SECONDS);
    List<Extension> extensions = CertificateExtensions.forRequest(request, ca);
    return new CertificateDraft(request.requestId(), profile.id(), subject, request.publicKey(), notBefore, notAfter, extensions);
  }

  /** The TBSCertificate under {@code serial}, signed with {@code signatureAlgorithm}: the bytes the token signs. */
  TBSCertificate tbsCertificate(X500Name issuer, BigInteger serial, AlgorithmIdentifier signatureAlgorithm) {
    V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
    g.setSerialNumber(new ASN1Integer(serial));
    g.setSignature(signatureAlgorithm);
    g.setIssuer(issuer);
    g.setStartDate(new Time(DerTime.of(notBefore)));
    g.setEndDate(new Time(DerTime.of(notAfter)));
    g.setSubject(subject);
    g.setSubjectPublicKeyInfo(publicKey);
    g.setExtensions(new Extensions(extensions.toArray(Extension[]::new)));
    return g.generateTBSCertificate();
  }

  CertificateIntent intent(TBSCertificate tbs) {
    try {
      return new CertificateIntent(requestId, profileId, subject, publicKey, notBefore, notAfter,
          tbs.getEncoded(ASN1Encoding.DER));
    } catch (java.io.IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot encode the TBSCertificate", e);
    }
  }

  private static X500Name issuedSubject(Profile profile, X500Name approved) {
    X500Name subject;
    if (profile.subjectName() instanceof SubjectNamePolicy.FromRequest fromRequest) {
      subject = fromRequest.issuedSubject(approved).orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST,
          "subject '" + DistinguishedNames.rfc4514(approved) + "' lacks every attribute profile " + profile.id()
              + " requires (one of " + fromRequest.requireAnyOf() + ")"));
    } else {
      // FromSigner: policy took the subject from the CMC signer's certificate; it is used exactly, never edited.
      subject = approved;
    }
    // RFC 5280 4.1.2.6: an empty subject is only allowed with a critical subjectAltName, which no profile issues.
    if (subject.getRDNs().length == 0) {
      throw new CaException(FailInfo.BAD_REQUEST, "the subject is empty (RFC 5280 4.1.2.6)");
    }
    return subject;
  }
}
