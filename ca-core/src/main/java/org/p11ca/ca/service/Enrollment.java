package org.p11ca.ca.service;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.Outcome;
import org.p11ca.ca.cmc.DerTime;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.issuance.ApprovedRequest;
import org.p11ca.ca.issuance.CertificateIssuer;
import org.p11ca.ca.issuance.IssuedCertificate;
import org.p11ca.ca.kra.ArchiveOptions;
import org.p11ca.ca.kra.ArchivedKey;
import org.p11ca.ca.pop.EncryptedPopChallenger;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.SubjectNamePolicy;
import org.p11ca.ca.proof.PossessionCheck;
import org.p11ca.ca.proof.Verdict;
import org.p11ca.ca.repository.CertificateId;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.repository.NewRequest;
import org.p11ca.ca.repository.PendingPop;
import org.p11ca.ca.repository.RequestRecord;
import org.p11ca.ca.repository.RequestStatus;
import org.p11ca.ca.repository.RequestStore;

/**
 * One certification request of an authenticated and authorized message, through the profile to a certificate:
 * record the request, check POP and the subject rule, check the profile, then issue. A key without signature POP,
 * on a profile that accepts encryption-only keys, is challenged instead (EncryptedPOP, RFC 5272 section 6.7) and
 * issued later by {@link #issueChallenged}. Every outcome is audited (PROFILE_CERT_REQUEST once the profile has
 * looked at the request, CERT_REQUEST_PROCESSED once something was signed or signing failed) and leaves the request
 * row COMPLETE, REJECTED or, while a challenge is open, PENDING.
 */
final class Enrollment {

  /**
   * The outcome for one body part: a certificate, a failure to report in its CMCStatusInfoV2, or an EncryptedPOP
   * challenge (the encryptedPOP control value and the request id for responseInfo).
   */
  record Result(int bodyPartId, Optional<IssuedCertificate> issued, Optional<CaException> failure,
      Optional<ChallengeSent> challenge) {
  }

  record ChallengeSent(long requestId, ASN1Encodable encryptedPop) {
  }

  /** Who asks: the subject to audit, and the CMC signer when there is one (operators enroll without). */
  record Requester(String subjectId, Optional<Signer> signer) {
  }

  /** A request as it reached the CA: the parsed form and its exact bytes (what a POP challenge MACs). */
  record Submitted(TaggedRequest request, byte[] encoded) {
  }

  private final CertificateIssuer issuer;
  private final CertificateStore certificates;
  private final RequestStore requests;
  private final AuditLog audit;
  private final Optional<EncryptedPopSupport> challenges;
  private final Optional<KeyArchival> archival;
  private final Clock clock;

  Enrollment(CertificateIssuer issuer, CertificateStore certificates, RequestStore requests, AuditLog audit,
      Optional<EncryptedPopSupport> challenges, Optional<KeyArchival> archival, Clock clock) {
    this.issuer = Objects.requireNonNull(issuer);
    this.certificates = Objects.requireNonNull(certificates);
    this.requests = Objects.requireNonNull(requests);
    this.audit = Objects.requireNonNull(audit);
    this.challenges = Objects.requireNonNull(challenges);
    this.archival = Objects.requireNonNull(archival);
    this.clock = Objects.requireNonNull(clock);
  }

  Result enroll(Submitted submitted, Profile profile, Requester requester, boolean raVerifiedAccepted,
      Optional<BigInteger> transactionId) {
    TaggedRequest request = submitted.request();
    RequestedCertificate wanted;
    try {
      wanted = RequestedCertificate.of(request);
    } catch (CaException e) {
      return failed(request, e);
    }
    String recordedSubject = DistinguishedNames.rfc4514(recordedSubject(profile, requester, wanted));
    NewRequest pending = new NewRequest(RequestStatus.PENDING, profile.id(), recordedSubject,
        requester.subjectId(), transactionId.map(BigInteger::toString));
    // The request is recorded in the transaction that settles it, not before the checks: a refused one in one
    // write (REJECTED), an approved one with its serial reservation (RequestReservation). Only a challenged one
    // needs its row first, because the challenge is bound to its id.
    Optional<RequestRecord> challenged = Optional.empty();
    CertificateIssuer.Checked approved;
    Optional<ChallengeSent> challenge = Optional.empty();
    Optional<ArchivedKey> archived = Optional.empty();
    try {
      Optional<ArchiveOptions> toArchive = archiveOptions(profile, request);
      approved = approve(Optional.empty(), profile, requester, wanted, request);
      // Archived once the profile accepts the request, before any challenge: a key that does not match the request
      // is refused in round 1 (the check runs on the token, the key never in clear).
      if (toArchive.isPresent()) {
        archived = Optional.of(archive(toArchive.get(), wanted, requester));
      }
      Verdict pop = PossessionCheck.check(request, raVerifiedAccepted);
      if (pop instanceof Verdict.Refused refused) {
        if (!challengeable(refused, profile, request, requester)) {
          throw new CaException(refused.failInfo(), refused.reason());
        }
        challenged = Optional.of(requests.create(pending));
        long challengedId = challenged.get().id();
        archived.ifPresent(k -> storeArchived(challengedId, k, requester));
        challenge = Optional.of(challenge(challenged.get(), submitted, profile, requester.signer().orElseThrow(),
            wanted));
      }
    } catch (CaException e) {
      long requestId = challenged.isPresent()
          ? requests.updateStatus(challenged.get().id(), RequestStatus.REJECTED).orElseThrow().id()
          : requests.create(withStatus(pending, RequestStatus.REJECTED)).id();
      audit.append(new AuditEvent.ProfileCertRequest(requester.subjectId(), Outcome.FAILURE, requestId,
          profile.id(), recordedSubject, Optional.of(e.detail())));
      return failed(request, e);
    }
    String issuedSubject = DistinguishedNames.rfc4514(approved.request().subject());
    if (challenge.isPresent()) {
      audit.append(new AuditEvent.ProfileCertRequest(requester.subjectId(), Outcome.SUCCESS, challenged.get().id(),
          profile.id(), issuedSubject, Optional.empty()));
      // Seed page 1: round 1 ends here, the request PENDING until the DecryptedPOP arrives.
      return new Result(request.bodyPartId(), Optional.empty(), Optional.empty(), challenge);
    }
    LongConsumer auditApproval = id -> audit.append(new AuditEvent.ProfileCertRequest(requester.subjectId(),
        Outcome.SUCCESS, id, profile.id(), issuedSubject, Optional.empty()));
    Optional<ArchivedKey> keyToStore = archived;
    // The archived key is stored as soon as its request is on record, before the token signs: a certificate of an
    // archival profile never exists without its key in the KRA.
    LongConsumer onRecorded = id -> {
      keyToStore.ifPresent(k -> storeArchived(id, k, requester));
      auditApproval.accept(id);
    };
    RequestReservation reservation = RequestReservation.recording(certificates, pending, onRecorded);
    try {
      return issue(reservation, request, approved, requester, archived.isPresent());
    } catch (NoRequestRecorded e) {
      // Issuance failed before the request reached the records (no free serial, a failed reservation): record it
      // now, REJECTED, and audit as if it had been recorded first.
      long requestId = requests.create(withStatus(pending, RequestStatus.REJECTED)).id();
      auditApproval.accept(requestId);
      audit.append(new AuditEvent.CertRequestProcessed(requester.subjectId(), Outcome.FAILURE, requestId,
          Optional.empty(), Optional.of(e.reason.detail())));
      return failed(request, e.reason);
    }
  }

  /**
   * Round 2: the DecryptedPOP proved possession of the challenged request's key; re-check the profile's rules for
   * the request as stored and issue. PROFILE_CERT_REQUEST was logged in round 1, so only the outcome is logged.
   */
  Result issueChallenged(RequestRecord record, TaggedRequest request, Profile profile, Requester requester) {
    CertificateIssuer.Checked approved;
    try {
      approved = approve(Optional.of(record.id()), profile, requester, RequestedCertificate.of(request), request);
    } catch (CaException e) {
      requests.updateStatus(record.id(), RequestStatus.REJECTED);
      audit.append(new AuditEvent.CertRequestProcessed(requester.subjectId(), Outcome.FAILURE, record.id(),
          Optional.empty(), Optional.of(e.detail())));
      return failed(request, e);
    }
    boolean archivedInRoundOne = request instanceof TaggedRequest.Crmf crmf
        && ArchiveOptions.of(crmf.msg()).isPresent() && archival.isPresent();
    return issue(RequestReservation.forRecorded(certificates, record.id()), request, approved, requester,
        archivedInRoundOne);
  }

  /** Archives on the token, audited either way (SECURITY_DATA_ARCHIVAL_REQUEST). */
  private ArchivedKey archive(ArchiveOptions options, RequestedCertificate wanted, Requester requester) {
    try {
      ArchivedKey key = archival.orElseThrow().archiver().archive(options, wanted.publicKey());
      audit.append(new AuditEvent.SecurityDataArchivalRequest(requester.subjectId(), Outcome.SUCCESS,
          Optional.empty()));
      return key;
    } catch (CaException e) {
      audit.append(new AuditEvent.SecurityDataArchivalRequest(requester.subjectId(), Outcome.FAILURE,
          Optional.of(e.detail())));
      throw e;
    }
  }

  private void storeArchived(long requestId, ArchivedKey key, Requester requester) {
    archival.orElseThrow().store().save(requestId, key);
    audit.append(new AuditEvent.SecurityDataArchivalRequestProcessed(requester.subjectId(), requestId,
        key.storageKey()));
  }

  /** Records and audits a request refused before the profile could look at it (e.g. an unknown profile). */
  Result refuse(TaggedRequest request, String profileId, Requester requester, CaException reason) {
    RequestRecord record = requests.create(new NewRequest(RequestStatus.REJECTED, profileId, "",
        requester.subjectId(), Optional.empty()));
    audit.append(new AuditEvent.ProfileCertRequest(requester.subjectId(), Outcome.FAILURE, record.id(), profileId,
        "", Optional.of(reason.detail())));
    return failed(request, reason);
  }

  private CertificateIssuer.Checked approve(Optional<Long> requestId, Profile profile, Requester requester,
      RequestedCertificate wanted, TaggedRequest request) {
    X500Name subject = issuedSubject(profile, requester, wanted, request);
    profile.renewal().ifPresent(rules -> checkRenewal(rules, profile, requester, wanted));
    ApprovedRequest approved = new ApprovedRequest(profile, subject, wanted.publicKey(), wanted.extensions(),
        requestId);
    return issuer.check(approved);
  }

  /**
   * A renewal profile (RenewalPolicy): the signer's certificate is renewed only within its grace window, and the
   * requested key may already be certified only for this subject, never in a revoked certificate, and only when
   * the profile allows same-key renewal (noKeyReuse otherwise).
   */
  private void checkRenewal(org.p11ca.ca.profile.RenewalPolicy rules, Profile profile, Requester requester,
      RequestedCertificate wanted) {
    Signer signer = requester.signer().orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST, "profile "
        + profile.id() + " renews the signer's certificate, and this request has no signer"));
    Instant notAfter = DerTime.instant(signer.certificate().toASN1Structure().getEndDate());
    Instant now = clock.instant();
    if (!rules.withinGrace(notAfter, now)) {
      throw new CaException(FailInfo.BAD_REQUEST, "certificate 0x" + signer.certificate().getSerialNumber()
          .toString(16) + " expires at " + notAfter + " and can be renewed under profile " + profile.id()
          + rules.graceBefore().map(b -> " from " + notAfter.minus(b)).orElse("") + " until "
          + notAfter.plus(rules.graceAfter()) + ", not at " + now);
    }
    String subject = DistinguishedNames.rfc4514(signer.certificate().getSubject());
    org.p11ca.ca.repository.KeyHistory history = certificates.keyHistory(wanted.publicKey(), subject);
    if (history.revokedForSubject().isPresent()) {
      throw new CaException(FailInfo.NO_KEY_REUSE, alreadyIn(history.revokedForSubject().get())
          + ", which is revoked: a revoked certificate's key is never certified again");
    }
    if (history.otherSubject().isPresent()) {
      org.p11ca.ca.repository.KeyHistory.Certified other = history.otherSubject().get();
      throw new CaException(FailInfo.NO_KEY_REUSE, alreadyIn(other) + " for another subject ('" + other.subjectDn()
          + "')" + (other.status() == org.p11ca.ca.repository.CertificateStatus.REVOKED ? ", and revoked" : ""));
    }
    if (history.issuedForSubject().isPresent() && !rules.allowSameKeyRenewal()) {
      throw new CaException(FailInfo.NO_KEY_REUSE, alreadyIn(history.issuedForSubject().get()) + ", and profile "
          + profile.id() + " does not allow same-key renewal (renewal.allowSameKeyRenewal): renew with a new key");
    }
  }

  private static String alreadyIn(org.p11ca.ca.repository.KeyHistory.Certified existing) {
    return "the requested key is already in certificate 0x" + existing.serial().toString(16);
  }

  /** Issuance failed before its request was recorded; the caller records it. */
  private static final class NoRequestRecorded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient CaException reason;

    NoRequestRecorded(CaException reason) {
      super(reason.detail(), reason, false, false);
      this.reason = reason;
    }
  }

  /**
   * Signs and records through {@code reservation}: on success the certificate is ISSUED and the request COMPLETE
   * in one commit before this returns.
   *
   * @throws NoRequestRecorded when issuance failed before the reservation recorded the request
   */
  private Result issue(RequestReservation reservation, TaggedRequest request, CertificateIssuer.Checked approved,
      Requester requester, boolean keyArchived) {
    IssuedCertificate issued;
    try {
      issued = issuer.issue(approved, reservation);
    } catch (CaException e) {
      if (reservation.requestId().isEmpty()) {
        throw new NoRequestRecorded(e);
      }
      long requestId = reservation.requestId().get();
      requests.updateStatus(requestId, RequestStatus.REJECTED);
      audit.append(new AuditEvent.CertRequestProcessed(requester.subjectId(), Outcome.FAILURE, requestId,
          Optional.empty(), Optional.of(e.detail())));
      return failed(request, e);
    }
    if (keyArchived) {
      archival.orElseThrow().store().linkCertificate(reservation.requestId().orElseThrow(), issued.serial());
    }
    audit.append(new AuditEvent.CertRequestProcessed(requester.subjectId(), Outcome.SUCCESS,
        reservation.requestId().orElseThrow(), Optional.of(issued.serial()), Optional.empty()));
    return new Result(request.bodyPartId(), Optional.of(issued), Optional.empty(), Optional.empty());
  }

  private static NewRequest withStatus(NewRequest r, RequestStatus status) {
    return new NewRequest(status, r.profileId(), r.subjectDn(), r.requester(), r.transactionId());
  }

  /**
   * A CRMF request with no POP at all (CRMFPopClient's POP_NONE) is "a general indication that it's not a signing
   * key" (seed page 1): on a profile that accepts encryption-only keys it is challenged, if a CMC signer stands
   * behind it (round 2 must come from the same signer) and the CA can challenge.
   */
  private boolean challengeable(Verdict.Refused refused, Profile profile, TaggedRequest request,
      Requester requester) {
    return refused.failInfo() == FailInfo.POP_REQUIRED && profile.allowEncryptionOnlyKeys()
        && request instanceof TaggedRequest.Crmf crmf && crmf.msg().getPopo() == null
        && requester.signer().isPresent() && challenges.isPresent();
  }

  private ChallengeSent challenge(RequestRecord record, Submitted submitted, Profile profile, Signer signer,
      RequestedCertificate wanted) {
    EncryptedPopSupport support = challenges.orElseThrow();
    TaggedRequest.Crmf crmf = (TaggedRequest.Crmf) submitted.request();
    EncryptedPopChallenger.Challenge c = support.challenger().challenge(record.id(), submitted.encoded(),
        crmf.bodyPartId(), wanted.publicKey(), crmf.templateSubjectKeyId(), profile.encryptedPop());
    Instant now = clock.instant();
    support.pending().save(new PendingPop(record.id(), c.format().name(), crmf.bodyPartId(),
        submitted.encoded(), certificateId(signer), c.protectedChallenge(), c.protectionIv(), c.protectionKey(), now,
        now.plus(profile.encryptedPop().challengeLifetime())));
    return new ChallengeSent(record.id(), c.encryptedPop());
  }

  static CertificateId certificateId(Signer signer) {
    try {
      return CertificateId.of(new X500Principal(signer.certificate().getIssuer().getEncoded()),
          signer.certificate().getSerialNumber());
    } catch (IOException e) {
      throw new IllegalStateException("re-encoding a parsed name failed", e);
    }
  }

  /**
   * RFC 4211 section 6.4: PKIArchiveOptions carries the private key for the KRA. A profile that requires archival
   * refuses a request without it (mustArchiveKeys, RFC 5272 section 6.1.4); a CA without a KRA refuses a request
   * that sends one rather than issue as if the key were escrowed.
   */
  private Optional<ArchiveOptions> archiveOptions(Profile profile, TaggedRequest request) {
    Optional<ArchiveOptions> options = request instanceof TaggedRequest.Crmf crmf ? ArchiveOptions.of(crmf.msg())
        : Optional.empty();
    if (options.isPresent() && archival.isEmpty()) {
      throw new CaException(FailInfo.BAD_REQUEST, "request " + request.bodyPartId() + " carries PKIArchiveOptions,"
          + " and key archival is not enabled on this CA");
    }
    if (options.isEmpty() && profile.archivalRequired()) {
      throw new CaException(FailInfo.MUST_ARCHIVE_KEYS, "profile " + profile.id() + " requires the private key"
          + " for archival (PKIArchiveOptions, RFC 4211 section 6.4)");
    }
    return options;
  }

  private static X500Name recordedSubject(Profile profile, Requester requester, RequestedCertificate wanted) {
    return requester.signer().isPresent() && profile.subjectName() instanceof SubjectNamePolicy.FromSigner
        ? requester.signer().get().certificate().getSubject()
        : wanted.subject().orElse(new X500Name(new RDN[0]));
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
    return new Result(request.bodyPartId(), Optional.empty(), Optional.of(e), Optional.empty());
  }
}
