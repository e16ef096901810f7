package org.p11ca.ca.service;

import java.math.BigInteger;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.Outcome;
import org.p11ca.ca.cmc.CmcRequestParser;
import org.p11ca.ca.cmc.DecryptedPop;
import org.p11ca.ca.cmc.PkiData;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.pop.DecryptedPopCheck;
import org.p11ca.ca.profile.EncryptedPopPolicy;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.proof.Verdict;
import org.p11ca.ca.repository.PendingPop;
import org.p11ca.ca.repository.RequestRecord;
import org.p11ca.ca.repository.RequestStatus;
import org.p11ca.ca.repository.RequestStore;

/**
 * Round 2 of the EncryptedPOP exchange (RFC 5272 section 6.7, seed page 1): a signed request carrying a decryptedPOP
 * control and, in regInfo, the request id the round-1 responseInfo named. The open challenge is taken from the store
 * in one transaction whatever the outcome, so a replayed or concurrent answer finds nothing; it must be answered in
 * time, by the signer of round 1, with a proof that matches; then the stored request is issued.
 */
final class ChallengeAnswer {

  private final EncryptedPopSupport support;
  private final RequestStore requests;
  private final Profiles profiles;
  private final Enrollment enrollment;
  private final AuditLog audit;
  private final Clock clock;

  ChallengeAnswer(EncryptedPopSupport support, RequestStore requests, Profiles profiles, Enrollment enrollment,
      AuditLog audit, Clock clock) {
    this.support = Objects.requireNonNull(support);
    this.requests = Objects.requireNonNull(requests);
    this.profiles = Objects.requireNonNull(profiles);
    this.enrollment = Objects.requireNonNull(enrollment);
    this.audit = Objects.requireNonNull(audit);
    this.clock = Objects.requireNonNull(clock);
  }

  /** The request id in regInfo: Dogtag copies the responseInfo octets, BigInteger.toByteArray of the id. */
  static long requestId(PkiData data) {
    byte[] regInfo = data.regInfo().orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST, "a decryptedPOP must"
        + " come with a regInfo control naming the request id of the challenge (the round-1 responseInfo)"));
    if (regInfo.length == 0 || regInfo.length > 8 || new BigInteger(regInfo).signum() <= 0) {
      throw new CaException(FailInfo.BAD_REQUEST, "regInfo does not hold a request id");
    }
    return new BigInteger(regInfo).longValueExact();
  }

  Enrollment.Result answer(PkiData data, Signer signer) {
    List<DecryptedPop> answers = data.decryptedPops();
    if (answers.size() != 1) {
      throw new CaException(FailInfo.BAD_REQUEST, "one decryptedPOP per message, not " + answers.size());
    }
    long requestId = requestId(data);
    Enrollment.Requester requester = new Enrollment.Requester(signer.subjectId(), Optional.of(signer));
    Optional<PendingPop> taken = support.pending().take(requestId);
    if (taken.isEmpty()) {
      throw popRefused(signer, FailInfo.BAD_REQUEST, "no open EncryptedPOP challenge for request " + requestId
          + ": unknown, already answered, or refused earlier");
    }
    PendingPop pending = taken.get();
    RequestRecord record = requests.find(requestId).orElseThrow(() -> new CaException(FailInfo.INTERNAL_CA_ERROR,
        "request " + requestId + " has a challenge but no request row"));
    TaggedRequest stored = storedRequest(pending);
    try {
      if (clock.instant().isAfter(pending.expiresAt())) {
        throw new CaException(FailInfo.POP_FAILED, "the challenge for request " + requestId + " expired at "
            + pending.expiresAt() + "; send the request again");
      }
      if (!Enrollment.certificateId(signer).equals(pending.signer())) {
        throw new CaException(FailInfo.BAD_IDENTITY, "the decryptedPOP for request " + requestId + " is signed by "
            + signer.subjectId() + ", not by the certificate that signed the challenged request");
      }
      if (data.requests().size() > 1 || (data.requests().size() == 1
          && !Arrays.equals(data.encodedRequest(0), pending.taggedRequest()))) {
        throw new CaException(FailInfo.BAD_REQUEST, "the request sent with the decryptedPOP is not the one that was"
            + " challenged (request " + requestId + ")");
      }
      byte[] challenge = support.challenger().recover(requestId, pending.protectedChallenge(),
          pending.protectionIv());
      Verdict proof;
      try {
        proof = DecryptedPopCheck.check(EncryptedPopPolicy.Format.valueOf(pending.format()), challenge,
            pending.taggedRequest(), answers.get(0));
      } finally {
        Arrays.fill(challenge, (byte) 0);
      }
      if (proof instanceof Verdict.Refused refused) {
        throw new CaException(refused.failInfo(), refused.reason());
      }
    } catch (CaException e) {
      requests.updateStatus(requestId, RequestStatus.REJECTED);
      audit.append(new AuditEvent.ProofOfPossession(signer.subjectId(), Outcome.FAILURE, Optional.of(e.detail())));
      audit.append(new AuditEvent.CertRequestProcessed(signer.subjectId(), Outcome.FAILURE, requestId,
          Optional.empty(), Optional.of(e.detail())));
      throw e;
    }
    audit.append(new AuditEvent.ProofOfPossession(signer.subjectId(), Outcome.SUCCESS, Optional.empty()));
    Profile profile = profiles.find(record.profileId()).orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST,
        "profile " + record.profileId() + " of request " + requestId + " is no longer on this CA"));
    return enrollment.issueChallenged(record, stored, profile, requester);
  }

  private CaException popRefused(Signer signer, FailInfo failInfo, String reason) {
    audit.append(new AuditEvent.ProofOfPossession(signer.subjectId(), Outcome.FAILURE, Optional.of(reason)));
    return new CaException(failInfo, reason);
  }

  /** The stored TaggedRequest, parsed the way the round-1 parser did (wrapped in a one-request PKIData). */
  private static TaggedRequest storedRequest(PendingPop pending) {
    return CmcRequestParser.parseTaggedRequest(pending.taggedRequest());
  }
}
