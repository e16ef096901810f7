package org.p11ca.ca.audit;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The events the CA audits, named and shaped as Dogtag logs them ({@code [AuditEvent=NAME][SubjectID=..]
 * [Outcome=..]..}), each with only the fields that event carries. Every field is an identity, an identifier or a
 * human-readable reason: there is deliberately no field for a credential, so a PIN, password or shared secret has
 * no place to go (Dogtag's AUTH_FAILURE {@code AttemptedCred} is left out for that reason). A new event is a new
 * record here.
 */
public sealed interface AuditEvent {

  /** The subject of what the CA does on its own, such as making a CRL: Dogtag's {@code $System$}. */
  String SYSTEM_SUBJECT = "$System$";

  /** The AuditEvent name, for example {@code CERT_REQUEST_PROCESSED}. */
  String eventType();

  Outcome outcome();

  /** The fields after AuditEvent, in Dogtag's order, absent optional fields left out. */
  List<AuditField> fields();

  // ---- access sessions (TLS) ----

  record AccessSessionEstablishSuccess(String clientIp, String serverIp, String subjectId) implements AuditEvent {
    public AccessSessionEstablishSuccess {
      Objects.requireNonNull(clientIp);
      Objects.requireNonNull(serverIp);
      Objects.requireNonNull(subjectId);
    }

    @Override
    public String eventType() {
      return "ACCESS_SESSION_ESTABLISH_SUCCESS";
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("ClientIP", clientIp).add("ServerIP", serverIp).add("SubjectID", subjectId)
          .outcome(outcome()).list();
    }
  }

  record AccessSessionEstablishFailure(String clientIp, String serverIp, String subjectId, String reason)
      implements AuditEvent {
    public AccessSessionEstablishFailure {
      Objects.requireNonNull(clientIp);
      Objects.requireNonNull(serverIp);
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(reason);
    }

    @Override
    public String eventType() {
      return "ACCESS_SESSION_ESTABLISH_FAILURE";
    }

    @Override
    public Outcome outcome() {
      return Outcome.FAILURE;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("ClientIP", clientIp).add("ServerIP", serverIp).add("SubjectID", subjectId)
          .outcome(outcome()).add("Info", reason).list();
    }
  }

  /** @param info why it ended, for example CLOSE_NOTIFY */
  record AccessSessionTerminated(String clientIp, String serverIp, String subjectId, String info)
      implements AuditEvent {
    public AccessSessionTerminated {
      Objects.requireNonNull(clientIp);
      Objects.requireNonNull(serverIp);
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(info);
    }

    @Override
    public String eventType() {
      return "ACCESS_SESSION_TERMINATED";
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("ClientIP", clientIp).add("ServerIP", serverIp).add("SubjectID", subjectId)
          .outcome(outcome()).add("Info", info).list();
    }
  }

  // ---- CMC messages ----

  /**
   * A CMC message refused as a whole before any signer or request was looked at (unknown controls, no request, a
   * disabled endpoint). The message itself is never logged: a revocation request may carry a shared secret.
   */
  record CmcRequestRefused(String subjectId, String reason) implements AuditEvent {
    public CmcRequestRefused {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(reason);
    }

    @Override
    public String eventType() {
      return "CMC_REQUEST_RECEIVED";
    }

    @Override
    public Outcome outcome() {
      return Outcome.FAILURE;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("Info", reason).list();
    }
  }

  // ---- CMC request signatures ----

  /** @param requestType enrollment, revocation, ... */
  record CmcUserSignedRequestSigVerifySuccess(String subjectId, String requestType, String certSubject,
      String signerInfo) implements AuditEvent {
    public CmcUserSignedRequestSigVerifySuccess {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(requestType);
      Objects.requireNonNull(certSubject);
      Objects.requireNonNull(signerInfo);
    }

    @Override
    public String eventType() {
      return "CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS";
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("ReqType", requestType)
          .add("CertSubject", certSubject).add("SignerInfo", signerInfo).list();
    }
  }

  record CmcUserSignedRequestSigVerifyFailure(String subjectId, String requestType, String certSubject,
      String signerInfo, String reason) implements AuditEvent {
    public CmcUserSignedRequestSigVerifyFailure {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(requestType);
      Objects.requireNonNull(certSubject);
      Objects.requireNonNull(signerInfo);
      Objects.requireNonNull(reason);
    }

    @Override
    public String eventType() {
      return "CMC_USER_SIGNED_REQUEST_SIG_VERIFY_FAILURE";
    }

    @Override
    public Outcome outcome() {
      return Outcome.FAILURE;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("ReqType", requestType)
          .add("CertSubject", certSubject).add("SignerInfo", signerInfo).add("Info", reason).list();
    }
  }

  /** An agent-signed CMC request's signature check; {@code reason} is present exactly on failure. */
  record CmcSignedRequestSigVerify(String subjectId, Outcome outcome, String requestType, String certSubject,
      String signerInfo, Optional<String> reason) implements AuditEvent {
    public CmcSignedRequestSigVerify {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(requestType);
      Objects.requireNonNull(certSubject);
      Objects.requireNonNull(signerInfo);
      requireReasonOnFailure(outcome, reason);
    }

    @Override
    public String eventType() {
      return "CMC_SIGNED_REQUEST_SIG_VERIFY";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome).add("ReqType", requestType)
          .add("CertSubject", certSubject).add("SignerInfo", signerInfo).add("Info", reason).list();
    }
  }

  // ---- authentication and authorization ----

  /** @param authManager the method that authenticated, for example CMCUserSignedAuth */
  record AuthSuccess(String subjectId, String authManager) implements AuditEvent {
    public AuthSuccess {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(authManager);
    }

    @Override
    public String eventType() {
      return "AUTH_SUCCESS";
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("AuthMgr", authManager).list();
    }
  }

  /** A failed authentication: who it claimed to be and why it failed, never what was presented. */
  record AuthFailure(String subjectId, String authManager, String reason) implements AuditEvent {
    public AuthFailure {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(authManager);
      Objects.requireNonNull(reason);
    }

    @Override
    public String eventType() {
      return "AUTH_FAILURE";
    }

    @Override
    public Outcome outcome() {
      return Outcome.FAILURE;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("AuthMgr", authManager)
          .add("Info", reason).list();
    }
  }

  record AuthzSuccess(String subjectId, String aclResource, String operation) implements AuditEvent {
    public AuthzSuccess {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(aclResource);
      Objects.requireNonNull(operation);
    }

    @Override
    public String eventType() {
      return "AUTHZ_SUCCESS";
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("aclResource", aclResource)
          .add("Op", operation).list();
    }
  }

  record AuthzFailure(String subjectId, String aclResource, String operation, String reason) implements AuditEvent {
    public AuthzFailure {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(aclResource);
      Objects.requireNonNull(operation);
      Objects.requireNonNull(reason);
    }

    @Override
    public String eventType() {
      return "AUTHZ_FAILURE";
    }

    @Override
    public Outcome outcome() {
      return Outcome.FAILURE;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("aclResource", aclResource)
          .add("Op", operation).add("Info", reason).list();
    }
  }

  /**
   * A change to who may do what (Dogtag's CONFIG_ROLE): here an agent role granted to a certificate.
   *
   * @param change what changed, e.g. {@code grant CA_AGENT to agent1 (issuer ..., serial 0x..)}
   */
  record ConfigRole(String subjectId, String change) implements AuditEvent {
    public ConfigRole {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(change);
    }

    @Override
    public String eventType() {
      return "CONFIG_ROLE";
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("ParamNameValPairs", change).list();
    }
  }

  /**
   * An operator's change to the shared secrets (created, replaced, revoked): never the secret, only who, for which
   * identification, and the terms.
   *
   * @param change what changed, e.g. {@code create expires=2026-12-08T10:00:00Z maxUses=1 subject=UID=dave,O=Example}
   */
  record ConfigSharedSecret(String subjectId, String identification, String change) implements AuditEvent {
    public ConfigSharedSecret {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(identification);
      Objects.requireNonNull(change);
    }

    @Override
    public String eventType() {
      return "CONFIG_SHARED_SECRET";
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("Identification", identification)
          .add("ParamNameValPairs", change).list();
    }
  }

  /**
   * An operator set aside the unfinished last line a crash left in the audit log, so the chain could go on: which
   * line, how many bytes, their SHA-256 and the file now holding them. Not a Dogtag event (Dogtag starts a new log
   * file instead); named in its style.
   */
  record AuditLogCutShortLineSetAside(String subjectId, long lineNumber, long bytes, String sha256, String savedTo)
      implements AuditEvent {
    public AuditLogCutShortLineSetAside {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(sha256);
      Objects.requireNonNull(savedTo);
    }

    @Override
    public String eventType() {
      return "AUDIT_LOG_CUT_SHORT_LINE_SET_ASIDE";
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome()).add("Line", Long.toString(lineNumber))
          .add("Bytes", Long.toString(bytes)).add("SHA256", sha256).add("SavedTo", savedTo).list();
    }
  }

  // ---- proofs ----

  /**
   * Proof of identity by a shared secret (identityProofV2, RFC 5272 6.2.1), as Dogtag's CMC_PROOF_OF_IDENTIFICATION;
   * {@code subjectId} is the identification the request named. {@code info} is the reason on failure and, on
   * success, which secret was spent.
   */
  record CmcProofOfIdentification(String subjectId, Outcome outcome, Optional<String> info) implements AuditEvent {
    public CmcProofOfIdentification {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      if (outcome == Outcome.FAILURE && info.isEmpty()) {
        throw new IllegalArgumentException("failure events need a reason");
      }
    }

    @Override
    public String eventType() {
      return "CMC_PROOF_OF_IDENTIFICATION";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome).add("Info", info).list();
    }
  }


  /** The identification POP linking witness check (RFC 5272 6.3.1.1); {@code reason} exactly on failure. */
  record CmcIdPopLinkWitness(String subjectId, Outcome outcome, Optional<String> reason) implements AuditEvent {
    public CmcIdPopLinkWitness {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      requireReasonOnFailure(outcome, reason);
    }

    @Override
    public String eventType() {
      return "CMC_ID_POP_LINK_WITNESS";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome).add("Info", reason).list();
    }
  }

  /** Proof of possession of the certified key (RFC 5272 6.7 / 6.8); {@code reason} exactly on failure. */
  record ProofOfPossession(String subjectId, Outcome outcome, Optional<String> reason) implements AuditEvent {
    public ProofOfPossession {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      requireReasonOnFailure(outcome, reason);
    }

    @Override
    public String eventType() {
      return "PROOF_OF_POSSESSION";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome).add("Info", reason).list();
    }
  }

  // ---- requests and certificates ----

  record ProfileCertRequest(String subjectId, Outcome outcome, long requestId, String profileId, String certSubject,
      Optional<String> reason) implements AuditEvent {
    public ProfileCertRequest {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(profileId);
      Objects.requireNonNull(certSubject);
      requireReasonOnFailure(outcome, reason);
    }

    @Override
    public String eventType() {
      return "PROFILE_CERT_REQUEST";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome).add("ReqID", Long.toString(requestId))
          .add("ProfileID", profileId).add("CertSubject", certSubject).add("Info", reason).list();
    }
  }

  /**
   * The end of a request: on success the serial issued (Dogtag prints it in decimal), on failure the reason.
   */
  record CertRequestProcessed(String subjectId, Outcome outcome, long requestId, Optional<BigInteger> certSerialNum,
      Optional<String> reason) implements AuditEvent {
    public CertRequestProcessed {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(certSerialNum);
      requireReasonOnFailure(outcome, reason);
      if (outcome == Outcome.SUCCESS && certSerialNum.isEmpty()) {
        throw new IllegalArgumentException("a processed request that succeeded names its certificate serial");
      }
    }

    @Override
    public String eventType() {
      return "CERT_REQUEST_PROCESSED";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome).add("ReqID", Long.toString(requestId))
          .add("CertSerialNum", certSerialNum.map(BigInteger::toString)).add("Info", reason).list();
    }
  }

  // ---- certificate status (revocation) ----

  /**
   * A revocation asked for (Dogtag's CERT_STATUS_CHANGE_REQUEST): who asked, for which serial and with which
   * CRLReason; {@code reason} is why it was refused, exactly on failure.
   */
  record CertStatusChangeRequest(String subjectId, Outcome outcome, BigInteger certSerialNum, long revokeReasonNum,
      Optional<String> reason) implements AuditEvent {
    public CertStatusChangeRequest {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(certSerialNum);
      requireReasonOnFailure(outcome, reason);
    }

    @Override
    public String eventType() {
      return "CERT_STATUS_CHANGE_REQUEST";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome)
          .add("CertSerialNum", certSerialNum.toString()).add("RequestType", "revoke")
          .add("RevokeReasonNum", Long.toString(revokeReasonNum)).add("Info", reason).list();
    }
  }

  /** A revocation carried out or not (Dogtag's CERT_STATUS_CHANGE_REQUEST_PROCESSED). */
  record CertStatusChangeRequestProcessed(String subjectId, Outcome outcome, BigInteger certSerialNum,
      long revokeReasonNum, Optional<String> reason) implements AuditEvent {
    public CertStatusChangeRequestProcessed {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(certSerialNum);
      requireReasonOnFailure(outcome, reason);
    }

    @Override
    public String eventType() {
      return "CERT_STATUS_CHANGE_REQUEST_PROCESSED";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome)
          .add("CertSerialNum", certSerialNum.toString()).add("RequestType", "revoke")
          .add("RevokeReasonNum", Long.toString(revokeReasonNum)).add("Info", reason).list();
    }
  }

  // ---- CRLs ----

  /**
   * A full CRL signed and stored (Dogtag's FULL_CRL_GENERATION with its CRLnum), or one that could not be made
   * ({@code reason}, exactly on failure; Dogtag's FailureReason). The CA makes CRLs on its own, so the subject is
   * {@link #SYSTEM_SUBJECT}.
   */
  record FullCrlGeneration(String subjectId, Outcome outcome, Optional<Long> crlNumber, Optional<String> reason)
      implements AuditEvent {
    public FullCrlGeneration {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(crlNumber);
      requireReasonOnFailure(outcome, reason);
      if (outcome == Outcome.SUCCESS && crlNumber.isEmpty()) {
        throw new IllegalArgumentException("a CRL generation that succeeded names its CRL number");
      }
    }

    @Override
    public String eventType() {
      return "FULL_CRL_GENERATION";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome)
          .add("CRLnum", crlNumber.map(String::valueOf)).add("FailureReason", reason).list();
    }
  }

  // ---- key archival (KRA) ----

  /**
   * A private key sent for archival was unwrapped on the token, checked against the request's public key and
   * wrapped for storage, or refused (Dogtag's SECURITY_DATA_ARCHIVAL_REQUEST); {@code reason} exactly on failure.
   */
  record SecurityDataArchivalRequest(String subjectId, Outcome outcome, Optional<String> reason)
      implements AuditEvent {
    public SecurityDataArchivalRequest {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      requireReasonOnFailure(outcome, reason);
    }

    @Override
    public String eventType() {
      return "SECURITY_DATA_ARCHIVAL_REQUEST";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome).add("Info", reason).list();
    }
  }

  /**
   * The archived key stored with its request (Dogtag's SECURITY_DATA_ARCHIVAL_REQUEST_PROCESSED); {@code
   * wrappedUnder} names the token key it is wrapped under, never key material.
   */
  record SecurityDataArchivalRequestProcessed(String subjectId, long requestId, String wrappedUnder)
      implements AuditEvent {
    public SecurityDataArchivalRequestProcessed {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(wrappedUnder);
    }

    @Override
    public String eventType() {
      return "SECURITY_DATA_ARCHIVAL_REQUEST_PROCESSED";
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome())
          .add("ReqID", Long.toString(requestId)).add("WrappedUnder", wrappedUnder).list();
    }
  }

  // ---- key recovery (KRA) ----

  /**
   * An agent asks for the archived key of a certificate (Dogtag's SECURITY_DATA_RECOVERY_REQUEST). The recovery id
   * is absent when the request was refused before one was given.
   */
  record SecurityDataRecoveryRequest(String subjectId, Outcome outcome, Optional<Long> recoveryId,
      BigInteger serial, Optional<String> reason) implements AuditEvent {
    public SecurityDataRecoveryRequest {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(recoveryId);
      Objects.requireNonNull(serial);
      requireReasonOnFailure(outcome, reason);
      if (outcome == Outcome.SUCCESS && recoveryId.isEmpty()) {
        throw new IllegalArgumentException("a recovery request that succeeded names its recovery id");
      }
    }

    @Override
    public String eventType() {
      return "SECURITY_DATA_RECOVERY_REQUEST";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome)
          .add("RecoveryID", recoveryId.map(String::valueOf)).add("SerialNum", serial.toString())
          .add("Info", reason).list();
    }
  }

  /**
   * A key recovery changes state (Dogtag's SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE): one agent's approval, and
   * the move to approved once enough agents have approved.
   *
   * @param operation what happened, for example {@code approve (1 of 2)} or {@code approved (2 of 2)}
   */
  record SecurityDataRecoveryStateChange(String subjectId, Outcome outcome, long recoveryId, String operation,
      Optional<String> reason) implements AuditEvent {
    public SecurityDataRecoveryStateChange {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(operation);
      requireReasonOnFailure(outcome, reason);
    }

    @Override
    public String eventType() {
      return "SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome)
          .add("RecoveryID", Long.toString(recoveryId)).add("Operation", operation).add("Info", reason).list();
    }
  }

  /**
   * An archived key handed to its requester as a password-protected PKCS#12 (Dogtag's SECURITY_DATA_EXPORT_KEY).
   * The password is never part of it. The serial is absent when the recovery id named no recovery.
   */
  record SecurityDataExportKey(String subjectId, Outcome outcome, long recoveryId, Optional<BigInteger> serial,
      Optional<String> reason) implements AuditEvent {
    public SecurityDataExportKey {
      Objects.requireNonNull(subjectId);
      Objects.requireNonNull(outcome);
      Objects.requireNonNull(serial);
      requireReasonOnFailure(outcome, reason);
      if (outcome == Outcome.SUCCESS && serial.isEmpty()) {
        throw new IllegalArgumentException("a key export that succeeded names the key's certificate serial");
      }
    }

    @Override
    public String eventType() {
      return "SECURITY_DATA_EXPORT_KEY";
    }

    @Override
    public List<AuditField> fields() {
      return new EventFields().add("SubjectID", subjectId).outcome(outcome)
          .add("RecoveryID", Long.toString(recoveryId)).add("SerialNum", serial.map(BigInteger::toString))
          .add("Info", reason).list();
    }
  }

  private static void requireReasonOnFailure(Outcome outcome, Optional<String> reason) {
    Objects.requireNonNull(reason);
    if ((outcome == Outcome.FAILURE) != reason.isPresent()) {
      throw new IllegalArgumentException(outcome.text().toLowerCase(Locale.ROOT)
          + (reason.isPresent() ? " events carry no reason" : " events need a reason"));
    }
  }
}
