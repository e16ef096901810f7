package org.p11ca.ca.service;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.CertTemplateBuilder;
import org.bouncycastle.asn1.crmf.ProofOfPossession;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.CmcRequestParser;
import org.p11ca.ca.cmc.CmcResponseBuilder;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.cmc.Control;
import org.p11ca.ca.cmc.PkiData;
import org.p11ca.ca.cmc.SignerIdentifier;
import org.p11ca.ca.cmc.SimplePkiResponseEncoder;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.issuance.CertificateIssuer;
import org.p11ca.ca.issuance.IssuedCertificate;
import org.p11ca.ca.issuance.StoredSerialReservation;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.profile.SubjectNamePolicy;
import org.p11ca.ca.proof.SignerCertificateCheck;
import org.p11ca.ca.repository.AgentStore;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.repository.RequestStore;

/**
 * The CMC facade: a submission in, a reply out. It parses, authenticates the signer, authorizes the endpoint and
 * profile, runs each certification request through {@link Enrollment}, and answers with a Full PKI Response signed
 * on the token (a certs-only Simple PKI Response for a successful Simple PKI Request, RFC 5272 section 4.1).
 * Thread safe: everything it holds is.
 */
public final class CmcService implements CmcAuthority {

  private static final System.Logger LOG = System.getLogger(CmcService.class.getName());

  static final String PROFILE_ACL = "certServer.ee.profile";
  static final String SUBMIT = "submit";
  static final String OPERATOR_AUTH = "TokenOperator";

  /**
   * Controls this CA acts on or may ignore. The identity-proof controls are bypassed in requests signed with a
   * certificate (the signature is the stronger proof, second seed page); RFC 5272 section 3.2.1.2 requires any other
   * control to fail the whole message with badRequest.
   */
  private static final Set<ASN1ObjectIdentifier> UNDERSTOOD_CONTROLS = Set.of(CmcObjectIds.SENDER_NONCE,
      CmcObjectIds.TRANSACTION_ID, CmcObjectIds.IDENTIFICATION, CmcObjectIds.IDENTITY_PROOF_V2,
      CmcObjectIds.POP_LINK_RANDOM, CmcObjectIds.POP_LINK_WITNESS_V2, CmcObjectIds.REG_INFO,
      CmcObjectIds.DECRYPTED_POP, CmcObjectIds.REVOKE_REQUEST);

  private final CaSigner ca;
  private final Profiles profiles;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final SignerAuthentication authentication;
  private final Enrollment enrollment;
  private final RequestStore requests;
  private final Optional<ChallengeAnswer> challengeAnswers;
  private final Optional<SelfSignedAuthentication> selfSigned;
  private final List<RevocationListener> revocationListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CmcRevocation revocation;

  /** A CA that cannot challenge encryption-only keys: requests without signature POP get popRequired. */
  public CmcService(CaSigner ca, Profiles profiles, CertificateStore certificates, RequestStore requests,
      AgentStore agents, AuditLog audit, Clock clock) {
    this(ca, profiles, certificates, requests, agents, audit, clock, Optional.empty());
  }

  /** @param challenges how to challenge keys without signature POP (EncryptedPOP); empty: answer popRequired */
  public CmcService(CaSigner ca, Profiles profiles, CertificateStore certificates, RequestStore requests,
      AgentStore agents, AuditLog audit, Clock clock, Optional<EncryptedPopSupport> challenges) {
    this(ca, profiles, certificates, requests, agents, audit, clock, challenges, Optional.empty());
  }

  /** @param archival the KRA that archives keys sent with PKIArchiveOptions; empty: such requests are refused */
  public CmcService(CaSigner ca, Profiles profiles, CertificateStore certificates, RequestStore requests,
      AgentStore agents, AuditLog audit, Clock clock, Optional<EncryptedPopSupport> challenges,
      Optional<KeyArchival> archival) {
    this(ca, profiles, certificates, requests, agents, audit, clock, challenges, archival, Optional.empty());
  }

  /**
   * @param sharedSecrets how self-signed requests prove identity (identityProofV2); empty: they are refused with
   *     badRequest
   */
  public CmcService(CaSigner ca, Profiles profiles, CertificateStore certificates, RequestStore requests,
      AgentStore agents, AuditLog audit, Clock clock, Optional<EncryptedPopSupport> challenges,
      Optional<KeyArchival> archival, Optional<SharedSecretIdentities> sharedSecrets) {
    this.ca = Objects.requireNonNull(ca);
    this.profiles = Objects.requireNonNull(profiles);
    this.audit = Objects.requireNonNull(audit);
    this.clock = Objects.requireNonNull(clock);
    CertificateIssuer issuer = new CertificateIssuer(ca.token(), ca.key(), ca.algorithm(), ca.certificate(),
        new StoredSerialReservation(certificates), clock);
    this.authentication = new SignerAuthentication(ca.certificate(),
        new SignerCertificateCheck(ca.certificate(), certificates, clock), certificates, agents, audit);
    this.requests = Objects.requireNonNull(requests);
    this.enrollment = new Enrollment(issuer, certificates, requests, audit, challenges, archival, clock);
    this.challengeAnswers = challenges.map(c -> new ChallengeAnswer(c, requests, profiles, enrollment, audit, clock));
    this.selfSigned = sharedSecrets.map(s -> new SelfSignedAuthentication(s.store(), s.vault(), s.policy(), audit,
        clock));
    this.revocation = new CmcRevocation(ca.certificate().getSubject(), certificates, sharedSecrets,
        revocationListeners, audit, clock);
  }

  /** Registers who hears of each revocation once it is durable (the CRL publisher); at composition time. */
  public void onRevocation(RevocationListener listener) {
    revocationListeners.add(Objects.requireNonNull(listener));
  }

  @Override
  public CmcReply handle(CmcSubmission submission) {
    try {
      CmcReply reply = submission.endpoint().simple() ? simple(submission) : full(submission);
      // What the reply reports is in the database, durably, before it is sent; so are its audit records, or a power
      // cut could leave a certificate answered and stored but not audited. Requests ending together share the fsync.
      audit.syncAppended();
      return reply;
    } catch (CaException e) {
      // Only the CA's own failures get here (database, audit log, token): the request was fine, the CA was not.
      LOG.log(Level.ERROR, "cannot answer a CMC request on " + submission.endpoint().path() + ": " + e.detail(), e);
      return new CmcReply.Unavailable(e.detail());
    }
  }

  @Override
  public List<X509CertificateHolder> caChain() {
    return ca.chain();
  }

  /**
   * Issues a certificate for a PKCS#10 on an operator's say-so: the operator is whoever opened the CA token, so the
   * request is authenticated by that, and audited under {@code operator}. For bootstrapping the first signer and
   * agent certificates, and the server's own TLS certificate.
   *
   * @throws CaException with the fail reason when the profile refuses the request
   */
  public IssuedCertificate enrollByOperator(PKCS10CertificationRequest csr, String profileId, String operator) {
    audit.append(new AuditEvent.AuthSuccess(operator, OPERATOR_AUTH));
    TaggedRequest request = new TaggedRequest.Pkcs10(1, csr);
    Enrollment.Submitted submitted = new Enrollment.Submitted(request, new byte[0]);
    Enrollment.Requester requester = new Enrollment.Requester(operator, Optional.empty());
    Optional<Profile> profile = profiles.find(profileId);
    Enrollment.Result result = profile.isPresent()
        ? enrollment.enroll(submitted, profile.get(), requester, false, Optional.empty())
        : enrollment.refuse(request, profileId, requester, unknownProfile(profileId));
    if (result.failure().isPresent()) {
      throw result.failure().get();
    }
    return result.issued().orElseThrow();
  }

  /**
   * Certifies a key on this CA's own token (the KRA transport key, which cannot sign a CSR): possession is vouched
   * for by the operator who holds the token, as an RA's raVerified POP (RFC 4211 section 4) would be. Audited under
   * {@code operator}; only the composition root calls it.
   */
  public IssuedCertificate enrollOwnTokenKey(SubjectPublicKeyInfo key, X500Name subject, String profileId,
      String operator) {
    audit.append(new AuditEvent.AuthSuccess(operator, OPERATOR_AUTH));
    CertReqMsg msg = new CertReqMsg(new CertRequest(1, new CertTemplateBuilder().setSubject(subject)
        .setPublicKey(key).build(), null), new ProofOfPossession(), null);
    TaggedRequest request = new TaggedRequest.Crmf(1, msg);
    Enrollment.Requester requester = new Enrollment.Requester(operator, Optional.empty());
    Enrollment.Submitted submitted = new Enrollment.Submitted(request, new byte[0]);
    Optional<Profile> profile = profiles.find(profileId);
    Enrollment.Result result = profile.isPresent()
        ? enrollment.enroll(submitted, profile.get(), requester, true, Optional.empty())
        : enrollment.refuse(request, profileId, requester, unknownProfile(profileId));
    if (result.failure().isPresent()) {
      throw result.failure().get();
    }
    return result.issued().orElseThrow();
  }

  private CmcReply full(CmcSubmission submission) {
    CmcRequest request;
    try {
      request = CmcRequestParser.parse(submission.body());
    } catch (CaException e) {
      return new CmcReply.Unreadable(e.detail());
    }
    PkiData data = request.pkiData();
    List<Integer> allRequests = data.requests().stream().map(TaggedRequest::bodyPartId).toList();
    try {
      Optional<WholeMessageRefusal> refusal = wholeMessageRefusal(submission, data);
      if (refusal.isPresent()) {
        return failure(data, refusal.get().bodyList(), refusal.get().reason());
      }
      boolean selfSignedMessage = request.signature().isPresent()
          && request.signature().get().signer() instanceof SignerIdentifier.SubjectKeyId;
      if (!data.revokeRequests().isEmpty()) {
        return revocationResponse(data, revoke(submission, request, selfSignedMessage));
      }
      if (selfSignedMessage
          && submission.endpoint() != CmcEndpoint.USER_SIGNED_FULL) {
        return response(data, enrollSelfSigned(submission, request));
      }
      boolean agentEndpoint = submission.endpoint() == CmcEndpoint.FULL;
      Signer signer = authentication.authenticate(request, submission.caller(), agentEndpoint,
          submission.endpoint() == CmcEndpoint.USER_SIGNED_FULL, expiredSignerGrace(submission, data));
      if (!data.decryptedPops().isEmpty()) {
        return response(data, List.of(answerChallenge(submission, data, signer)));
      }
      List<Enrollment.Submitted> submitted = new ArrayList<>();
      for (int i = 0; i < data.requests().size(); i++) {
        submitted.add(new Enrollment.Submitted(data.requests().get(i), data.encodedRequest(i)));
      }
      List<Enrollment.Result> results = enrollAll(submission, submitted, signer, data);
      return response(data, results);
    } catch (CaException e) {
      if (e.failInfo() == FailInfo.INTERNAL_CA_ERROR) {
        throw e;
      }
      return failure(data, allRequests.isEmpty() ? List.of(1) : allRequests, e);
    }
  }

  /** A refusal of the message as a whole, and the body parts its status names (never empty). */
  private record WholeMessageRefusal(List<Integer> bodyList, CaException reason) {
  }

  /**
   * Refusals of the message as a whole, before anyone is authenticated (audited here): RFC 5272 section 3.2.1.2
   * requires an unrecognized control to fail the whole PKIData with badRequest naming it in the bodyList.
   */
  private Optional<WholeMessageRefusal> wholeMessageRefusal(CmcSubmission submission, PkiData data) {
    List<Control> unknown = data.controls().stream().filter(c -> !UNDERSTOOD_CONTROLS.contains(c.type())).toList();
    Optional<String> reason = Optional.empty();
    List<Integer> bodyList = data.requests().stream().map(TaggedRequest::bodyPartId).toList();
    if (!unknown.isEmpty()) {
      reason = Optional.of("controls this CA does not process: " + unknown.stream()
          .map(c -> c.type().getId() + " (bodyPartID " + c.bodyPartId() + ")").toList()
          + " (RFC 5272 section 3.2.1.2)");
      bodyList = unknown.stream().map(Control::bodyPartId).toList();
    } else if (data.requests().isEmpty() && data.revokeRequests().isEmpty()) {
      reason = Optional.of("the request holds no certification request and no revokeRequest");
    } else if (!data.requests().isEmpty() && !data.revokeRequests().isEmpty()) {
      reason = Optional.of("the request holds both certification requests and revokeRequests: send them in"
          + " separate messages");
      bodyList = data.revokeRequestBodyPartIds();
    }
    if (reason.isEmpty()) {
      return Optional.empty();
    }
    audit.append(new AuditEvent.CmcRequestRefused(submission.caller().clientIp(), reason.get()));
    return Optional.of(new WholeMessageRefusal(bodyList.isEmpty() ? List.of(1) : bodyList,
        new CaException(FailInfo.BAD_REQUEST, reason.get())));
  }

  private CmcReply simple(CmcSubmission submission) {
    PKCS10CertificationRequest csr;
    try {
      csr = new PKCS10CertificationRequest(submission.body());
    } catch (IOException | RuntimeException e) {
      return new CmcReply.Unreadable("not a PKCS#10 certification request (RFC 2986): " + e.getMessage());
    }
    TaggedRequest request = new TaggedRequest.Pkcs10(1, csr);
    // RFC 5272 section 6.1.1: an error for a Simple PKI Request names bodyPartID 1.
    PkiData none = new PkiData(List.of(), List.of(request), List.of(), List.of(), new byte[0]);
    try {
      Signer signer = authentication.authenticateTlsAgent(submission.caller());
      Enrollment.Result result = enrollAll(submission, List.of(new Enrollment.Submitted(request,
          submission.body())), signer, none).get(0);
      if (result.failure().isPresent()) {
        return failure(none, List.of(1), result.failure().get());
      }
      List<X509CertificateHolder> certs = new ArrayList<>();
      certs.add(result.issued().orElseThrow().cert());
      certs.addAll(ca.chain());
      return new CmcReply.Response(SimplePkiResponseEncoder.encode(certs), CmcReply.CERTS_ONLY_MEDIA_TYPE,
          CmcStatus.SUCCESS);
    } catch (CaException e) {
      if (e.failInfo() == FailInfo.INTERNAL_CA_ERROR) {
        throw e;
      }
      return failure(none, List.of(1), e);
    }
  }

  private List<Enrollment.Result> enrollAll(CmcSubmission submission, List<Enrollment.Submitted> requests,
      Signer signer, PkiData data) {
    String profileId = submission.profileId().filter(p -> !p.isBlank())
        .orElse(submission.endpoint().defaultProfileId());
    Enrollment.Requester requester = new Enrollment.Requester(signer.subjectId(), Optional.of(signer));
    Optional<Profile> profile = profiles.find(profileId);
    if (profile.isEmpty()) {
      CaException unknown = unknownProfile(profileId);
      return requests.stream().map(r -> enrollment.refuse(r.request(), profileId, requester, unknown)).toList();
    }
    authorize(submission.endpoint(), profile.get(), signer);
    return requests.stream().map(r -> enrollment.enroll(r, profile.get(), requester, signer.agent(),
        data.transactionId())).toList();
  }

  /**
   * An expired signer may sign its own renewal, within the renewal profile's graceAfter; nothing else (the
   * Enrollment renewal check then holds the request to the window).
   */
  private java.time.Duration expiredSignerGrace(CmcSubmission submission, PkiData data) {
    if (submission.endpoint() != CmcEndpoint.USER_SIGNED_FULL || !data.decryptedPops().isEmpty()) {
      return java.time.Duration.ZERO;
    }
    String profileId = submission.profileId().filter(p -> !p.isBlank())
        .orElse(submission.endpoint().defaultProfileId());
    return profiles.find(profileId).flatMap(Profile::renewal).map(r -> r.graceAfter())
        .orElse(java.time.Duration.ZERO);
  }

  /**
   * revokeRequest controls (RFC 5272 section 6.11): signed with a certificate (agents revoke any of this CA's, users
   * their own subject's), or unsigned with the holder's shared secret in the control (Dogtag's
   * revRequest.sharedSecret). A self-signed message has no certificate to stand behind a revocation.
   */
  private List<CmcRevocation.Result> revoke(CmcSubmission submission, CmcRequest request, boolean selfSignedMessage) {
    if (selfSignedMessage) {
      String reason = "a self-signed message cannot revoke: sign the revokeRequest with a certificate of this CA, or"
          + " send it unsigned with the certificate's shared secret";
      audit.append(new AuditEvent.CmcRequestRefused(submission.caller().clientIp(), reason));
      throw new CaException(FailInfo.BAD_REQUEST, reason);
    }
    if (request.signature().isEmpty()) {
      return revocation.revokeAll(request.pkiData(), new CmcRevocation.BySharedSecret());
    }
    boolean agentEndpoint = submission.endpoint() == CmcEndpoint.FULL;
    Signer signer = authentication.authenticate(request, submission.caller(), agentEndpoint,
        submission.endpoint() == CmcEndpoint.USER_SIGNED_FULL);
    return revocation.revokeAll(request.pkiData(), new CmcRevocation.BySigner(signer));
  }

  private CmcReply revocationResponse(PkiData data, List<CmcRevocation.Result> results) {
    CmcResponseBuilder builder = new CmcResponseBuilder(clock, random).echoing(data);
    boolean allDone = true;
    for (CmcRevocation.Result r : results) {
      if (r.failure().isPresent()) {
        allDone = false;
        builder.status(CmcStatusInfo.failed(List.of(r.bodyPartId()), r.failure().get().failInfo(),
            r.failure().get().detail()));
      } else {
        builder.status(CmcStatusInfo.success(List.of(r.bodyPartId())));
      }
    }
    builder.certificates(List.of());
    return new CmcReply.Response(builder.sign(ca.contentSigner(), ca.certificate()),
        CmcReply.CMC_RESPONSE_MEDIA_TYPE, allDone ? CmcStatus.SUCCESS : CmcStatus.FAILED);
  }

  /**
   * A self-signed request (SignerInfo by subjectKeyIdentifier): the profile must take shared-secret identities,
   * checked before the proof so a request for the wrong profile does not spend the secret; then the signature, the
   * identity proof and any POP link witness ({@link SelfSignedAuthentication}), then each request as usual, under
   * the identification.
   */
  private List<Enrollment.Result> enrollSelfSigned(CmcSubmission submission, CmcRequest request) {
    PkiData data = request.pkiData();
    String subjectId = data.identification().filter(i -> !i.isBlank()).orElse("--");
    Enrollment.Requester requester = new Enrollment.Requester(subjectId, Optional.empty());
    if (selfSigned.isEmpty()) {
      String reason = "self-signed enrollment (identityProofV2 with a shared secret) is not enabled on this CA";
      audit.append(new AuditEvent.CmcRequestRefused(submission.caller().clientIp(), reason));
      throw new CaException(FailInfo.BAD_REQUEST, reason);
    }
    if (!data.decryptedPops().isEmpty()) {
      String reason = "a decryptedPOP answers a challenge to a certificate holder's request; a self-signed request"
          + " proves possession by its own signature";
      audit.append(new AuditEvent.CmcRequestRefused(submission.caller().clientIp(), reason));
      throw new CaException(FailInfo.BAD_REQUEST, reason);
    }
    String profileId = submission.profileId().filter(p -> !p.isBlank())
        .orElse(submission.endpoint().defaultProfileId());
    Optional<Profile> profile = profiles.find(profileId);
    if (profile.isEmpty()) {
      CaException unknown = unknownProfile(profileId);
      return data.requests().stream().map(r -> enrollment.refuse(r, profileId, requester, unknown)).toList();
    }
    if (profile.get().sharedSecretIdentity().isEmpty()) {
      String reason = "profile " + profileId + " does not take self-signed requests proven by a shared secret (use"
          + " caFullCMCSelfSignedCert or caFullCMCSharedTokenCert)";
      audit.append(new AuditEvent.AuthzFailure(subjectId, PROFILE_ACL, SUBMIT, reason));
      throw new CaException(FailInfo.BAD_REQUEST, reason);
    }
    SelfSignedAuthentication.SharedSecretIdentity identity = selfSigned.get().authenticate(request, profile.get());
    audit.append(new AuditEvent.AuthzSuccess(identity.identification(), PROFILE_ACL, SUBMIT));
    Enrollment.Requester proven = new Enrollment.Requester(identity.identification(), Optional.empty());
    List<Enrollment.Result> results = new ArrayList<>();
    for (int i = 0; i < data.requests().size(); i++) {
      results.add(enrollment.enroll(new Enrollment.Submitted(data.requests().get(i), data.encodedRequest(i)),
          profile.get(), proven, false, data.transactionId()));
    }
    return results;
  }

  /**
   * Round 2 of an EncryptedPOP exchange: authorized against the profile the challenged request was made under, then
   * checked and issued by {@link ChallengeAnswer}.
   */
  private Enrollment.Result answerChallenge(CmcSubmission submission, PkiData data, Signer signer) {
    ChallengeAnswer answers = challengeAnswers.orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST,
        "this CA issues no EncryptedPOP challenges, so it takes no decryptedPOP"));
    long requestId = ChallengeAnswer.requestId(data);
    Optional<Profile> profile = requests.find(requestId).flatMap(r -> profiles.find(r.profileId()));
    if (profile.isPresent()) {
      authorize(submission.endpoint(), profile.get(), signer);
    }
    return answers.answer(data, signer);
  }

  /**
   * Agents may use any profile on any endpoint; a user may only ask for a certificate of its own subject (a
   * {@code from: signer} profile) and only on the user-signed endpoint, since a {@code from: request} profile would
   * let it name anyone.
   */
  private void authorize(CmcEndpoint endpoint, Profile profile, Signer signer) {
    Optional<String> refusal = Optional.empty();
    if (!signer.agent()) {
      if (endpoint != CmcEndpoint.USER_SIGNED_FULL) {
        refusal = Optional.of("the signer " + signer.subjectId() + " is not an agent of this CA, which "
            + endpoint.servletName() + " requires");
      } else if (!(profile.subjectName() instanceof SubjectNamePolicy.FromSigner)) {
        refusal = Optional.of("profile " + profile.id() + " lets the request name its subject, which only an agent"
            + " may use; a user-signed request must use a profile that issues to the signer's subject");
      }
    }
    if (refusal.isPresent()) {
      audit.append(new AuditEvent.AuthzFailure(signer.subjectId(), PROFILE_ACL, SUBMIT, refusal.get()));
      throw new CaException(FailInfo.BAD_REQUEST, refusal.get());
    }
    audit.append(new AuditEvent.AuthzSuccess(signer.subjectId(), PROFILE_ACL, SUBMIT));
  }

  private CmcReply response(PkiData data, List<Enrollment.Result> results) {
    CmcResponseBuilder builder = new CmcResponseBuilder(clock, random).echoing(data);
    List<X509CertificateHolder> certs = new ArrayList<>();
    boolean allIssued = true;
    for (Enrollment.Result r : results) {
      if (r.challenge().isPresent()) {
        allIssued = false;
        Enrollment.ChallengeSent c = r.challenge().get();
        // RFC 5272 section 6.7 with Appendix B's status (failed + popRequired), which Dogtag's CMCRequest accepts;
        // responseInfo names the request for the answer's regInfo as Dogtag does (BigInteger.toByteArray octets).
        builder.status(CmcStatusInfo.failed(List.of(r.bodyPartId()), FailInfo.POP_REQUIRED, "request "
            + c.requestId() + " has no signature POP: decrypt the encryptedPOP challenge with the requested key and"
            + " answer with a decryptedPOP and regInfo"));
        builder.control(CmcObjectIds.ENCRYPTED_POP, c.encryptedPop());
        builder.control(CmcObjectIds.RESPONSE_INFO,
            new org.bouncycastle.asn1.DEROctetString(java.math.BigInteger.valueOf(c.requestId()).toByteArray()));
      } else if (r.failure().isPresent()) {
        allIssued = false;
        CaException f = r.failure().get();
        builder.status(CmcStatusInfo.failed(List.of(r.bodyPartId()), f.failInfo(), f.detail()));
      } else {
        builder.status(CmcStatusInfo.success(List.of(r.bodyPartId())));
        certs.add(r.issued().orElseThrow().cert());
      }
    }
    if (!certs.isEmpty()) {
      certs.addAll(ca.chain());
    }
    builder.certificates(certs);
    return new CmcReply.Response(builder.sign(ca.contentSigner(), ca.certificate()),
        CmcReply.CMC_RESPONSE_MEDIA_TYPE, allIssued ? CmcStatus.SUCCESS : CmcStatus.FAILED);
  }

  private CmcReply failure(PkiData data, List<Integer> bodyList, CaException e) {
    byte[] der = new CmcResponseBuilder(clock, random).echoing(data)
        .status(CmcStatusInfo.failed(bodyList, e.failInfo(), e.detail()))
        .sign(ca.contentSigner(), ca.certificate());
    return new CmcReply.Response(der, CmcReply.CMC_RESPONSE_MEDIA_TYPE, CmcStatus.FAILED);
  }

  private static CaException unknownProfile(String profileId) {
    return new CaException(FailInfo.BAD_REQUEST, "no certificate profile '" + profileId + "' on this CA");
  }
}
