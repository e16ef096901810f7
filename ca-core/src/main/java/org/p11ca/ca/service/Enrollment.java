package org.p11ca.ca.service;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.Outcome;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.issuance.ApprovedRequest;
import org.p11ca.ca.issuance.CertificateIssuer;
import org.p11ca.ca.issuance.IssuedCertificate;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.SubjectNamePolicy;
import org.p11ca.ca.proof.PossessionCheck;
import org.p11ca.ca.proof.Verdict;
import org.p11ca.ca.repository.NewRequest;
import org.p11ca.ca.repository.RequestRecord;
import org.p11ca.ca.repository.RequestStatus;
import org.p11ca.ca.repository.RequestStore;

/**
 * One certification request of an authenticated and authorized message, through the profile to a certificate:
 * record the request, check POP and the subject rule, check the profile, then issue. Every outcome is audited
 * (PROFILE_CERT_REQUEST, then CERT_REQUEST_PROCESSED once something was signed or signing failed) and leaves the
 * request row COMPLETE or REJECTED.
 */
final class Enrollment {

  /** The outcome for one body part: a certificate, or the failure to report in its CMCStatusInfoV2. */
  record Result(int bodyPartId, Optional<IssuedCertificate> issued, Optional<CaException> failure) {
  }

  /** Who asks: the subject to audit, and the CMC signer when there is one (operators enroll without). */
  record Requester(String subjectId, Optional<Signer> signer) {
  }

  private final CertificateIssuer issuer;
  private final RequestStore requests;
  private final AuditLog audit;

  Enrollment(CertificateIssuer issuer, RequestStore requests, AuditLog audit) {
    this.issuer = Objects.requireNonNull(issuer);
    this.requests = Objects.requireNonNull(requests);
    this.audit = Objects.requireNonNull(audit);
  }

  Result enroll(TaggedRequest request, Profile profile, Requester requester, boolean raVerifiedAccepted,
      Optional<BigInteger> transactionId) {
    RequestedCertificate wanted;
    try {
      wanted = RequestedCertificate.of(request);
    } catch (CaException e) {
      return failed(request, e);
    }
    X500Name recordedSubject = requester.signer().isPresent() && profile.subjectName() instanceof
        SubjectNamePolicy.FromSigner ? requester.signer().get().certificate().getSubject()
        : wanted.subject().orElse(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]));
    RequestRecord record = requests.create(new NewRequest(RequestStatus.PENDING, profile.id(),
        DistinguishedNames.rfc4514(recordedSubject), requester.subjectId(), transactionId.map(BigInteger::toString)));
    ApprovedRequest approved;
    try {
      Verdict pop = PossessionCheck.check(request, raVerifiedAccepted);
      if (pop instanceof Verdict.Refused refused) {
        throw new CaException(refused.failInfo(), refused.reason());
      }
      approved = new ApprovedRequest(profile, issuedSubject(profile, requester, wanted, request), wanted.publicKey(),
          wanted.extensions(), Optional.of(record.id()));
      issuer.check(approved);
    } catch (CaException e) {
      requests.updateStatus(record.id(), RequestStatus.REJECTED);
      audit.append(new AuditEvent.ProfileCertRequest(requester.subjectId(), Outcome.FAILURE, record.id(),
          profile.id(), DistinguishedNames.rfc4514(recordedSubject), Optional.of(e.detail())));
      return failed(request, e);
    }
    audit.append(new AuditEvent.ProfileCertRequest(requester.subjectId(), Outcome.SUCCESS, record.id(),
        profile.id(), DistinguishedNames.rfc4514(approved.subject()), Optional.empty()));
    IssuedCertificate issued;
    try {
      issued = issuer.issue(approved);
    } catch (CaException e) {
      requests.updateStatus(record.id(), RequestStatus.REJECTED);
      audit.append(new AuditEvent.CertRequestProcessed(requester.subjectId(), Outcome.FAILURE, record.id(),
          Optional.empty(), Optional.of(e.detail())));
      return failed(request, e);
    }
    requests.updateStatus(record.id(), RequestStatus.COMPLETE);
    audit.append(new AuditEvent.CertRequestProcessed(requester.subjectId(), Outcome.SUCCESS, record.id(),
        Optional.of(issued.serial()), Optional.empty()));
    return new Result(request.bodyPartId(), Optional.of(issued), Optional.empty());
  }

  /** Records and audits a request refused before the profile could look at it (e.g. an unknown profile). */
  Result refuse(TaggedRequest request, String profileId, Requester requester, CaException reason) {
    RequestRecord record = requests.create(new NewRequest(RequestStatus.REJECTED, profileId, "",
        requester.subjectId(), Optional.empty()));
    audit.append(new AuditEvent.ProfileCertRequest(requester.subjectId(), Outcome.FAILURE, record.id(), profileId,
        "", Optional.of(reason.detail())));
    return failed(request, reason);
  }

  /**
   * The subject the profile's rule gives. For {@code from: signer} (Dogtag's CMCUserSignedSubjectNameDefault and
   * its constraint) a requested subject must be the signer's own: otherwise a user could name someone else.
   */
  private static X500Name issuedSubject(Profile profile, Requester requester, RequestedCertificate wanted,
      TaggedRequest request) {
    if (profile.subjectName() instanceof SubjectNamePolicy.FromSigner) {
      Signer signer = requester.signer().orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST, "profile "
          + profile.id() + " takes the subject from a CMC signer certificate, and this request has none"));
      X500Name signerSubject = signer.certificate().getSubject();
      if (wanted.subject().isPresent() && !wanted.subject().get().equals(signerSubject)) {
        throw new CaException(FailInfo.BAD_IDENTITY, "request " + request.bodyPartId() + " asks for subject '"
            + DistinguishedNames.rfc4514(wanted.subject().get()) + "', but profile " + profile.id()
            + " only issues to the signer's subject '" + DistinguishedNames.rfc4514(signerSubject) + "'");
      }
      return signerSubject;
    }
    return wanted.subject().orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST, "request "
        + request.bodyPartId() + " names no subject, and profile " + profile.id() + " takes it from the request"));
  }

  private static Result failed(TaggedRequest request, CaException e) {
    return new Result(request.bodyPartId(), Optional.empty(), Optional.of(e));
  }
}
