package org.p11ca.ca.service;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.Outcome;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.CmcSignature;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.cmc.PkiData;
import org.p11ca.ca.cmc.SignatureCheck;
import org.p11ca.ca.cmc.SignerIdentifier;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.crypto.SignatureVerifiers;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.SubjectAttribute;
import org.p11ca.ca.proof.SelfSignedKeyId;
import org.p11ca.ca.proof.SharedSecretProof;
import org.p11ca.ca.proof.Verdict;
import org.p11ca.ca.repository.SharedSecretRecord;
import org.p11ca.ca.repository.SharedSecretStatus;
import org.p11ca.ca.repository.SharedSecretStore;
import org.p11ca.ca.secret.SharedSecretPolicy;
import org.p11ca.ca.secret.SharedSecretVault;

/**
 * Identity proof without a certificate (second seed page, second and fourth bullets): a self-signed request (the
 * SignerInfo names the requested key by subjectKeyIdentifier and that key made the signature), identification and
 * identityProofV2 made with the identification's shared secret, and popLinkWitnessV2 in each request when sent or
 * required. The secret is spent last, once everything else holds, in one conditional write: of concurrent requests
 * with a single-use secret exactly one gets through. Each step is audited; the subscriber's answer says only that
 * the proof failed, while the audit log says why (a stranger learns nothing about which identifications exist).
 */
final class SelfSignedAuthentication {

  /** Dogtag authenticates self-signed requests with the same manager as user-signed ones. */
  static final String AUTH_MANAGER = SignerAuthentication.USER_SIGNED_AUTH;

  private final SharedSecretStore secrets;
  private final SharedSecretVault vault;
  private final SharedSecretPolicy policy;
  private final AuditLog audit;
  private final Clock clock;

  SelfSignedAuthentication(SharedSecretStore secrets, SharedSecretVault vault, SharedSecretPolicy policy,
      AuditLog audit, Clock clock) {
    this.secrets = Objects.requireNonNull(secrets);
    this.vault = Objects.requireNonNull(vault);
    this.policy = Objects.requireNonNull(policy);
    this.audit = Objects.requireNonNull(audit);
    this.clock = Objects.requireNonNull(clock);
  }

  /** Who a shared secret proved: the identification (what audit events name) and the secret spent. */
  record SharedSecretIdentity(String identification, long secretId) {
  }

  /**
   * @param profile the profile the request is for, which must take shared-secret identities (checked by the caller)
   * @throws CaException with the fail reason when any step fails (already audited); the secret is then not spent,
   *     and a wrong witness counts towards locking it
   */
  SharedSecretIdentity authenticate(CmcRequest request, Profile profile) {
    CmcSignature signature = request.signature().orElseThrow();
    SignerIdentifier.SubjectKeyId sid = (SignerIdentifier.SubjectKeyId) signature.signer();
    PkiData data = request.pkiData();
    String subjectId = data.identification().filter(i -> !i.isBlank()).orElse("--");

    verifySelfSignature(signature, sid, data, subjectId);

    if (data.identification().filter(i -> !i.isBlank()).isEmpty()) {
      throw refuseIdentity(subjectId, FailInfo.BAD_REQUEST, "the request has no identification control, which this"
          + " CA needs with identityProofV2 to find the shared secret (RFC 5272 section 6.2.3)", Optional.empty());
    }
    String identification = data.identification().get();
    if (data.identityProofV2().isEmpty()) {
      throw refuseIdentity(subjectId, FailInfo.BAD_IDENTITY, "a self-signed request must prove its identity with"
          + " identityProofV2 (RFC 5272 section 6.2.1); this one has none", Optional.empty());
    }
    Optional<SharedSecretRecord> found = secrets.latest(identification);
    Instant now = clock.instant();
    if (found.isEmpty()) {
      throw refuseIdentity(subjectId, FailInfo.BAD_IDENTITY, unusable(identification, "no shared secret was ever"
          + " created for it"), Optional.empty());
    }
    SharedSecretRecord stored = found.get();
    if (stored.status() != SharedSecretStatus.ACTIVE) {
      throw refuseIdentity(subjectId, FailInfo.BAD_IDENTITY, unusable(identification, "its shared secret "
          + stored.id() + " is " + stored.status().name().toLowerCase(java.util.Locale.ROOT)
          + (stored.status() == SharedSecretStatus.USED ? " (" + stored.uses() + " use(s) of "
              + stored.maxUses().orElse(stored.uses()) + ")" : "")), Optional.empty());
    }
    if (stored.expiredAt(now)) {
      throw refuseIdentity(subjectId, FailInfo.BAD_IDENTITY, unusable(identification, "shared secret "
          + stored.id() + " expired at " + stored.expiresAt()), Optional.empty());
    }
    checkSubjects(data, stored, subjectId);

    byte[] secret = vault.open(stored);
    try {
      Verdict identity = SharedSecretProof.identityProof(data, secret);
      if (identity instanceof Verdict.Refused refused) {
        Optional<SharedSecretRecord> counted = refused.failInfo() == FailInfo.BAD_IDENTITY
            ? Optional.of(stored) : Optional.empty();
        throw refuseIdentity(subjectId, refused.failInfo(), refused.failInfo() == FailInfo.BAD_IDENTITY
            ? unusable(identification, refused.reason()) : refused.reason(), counted);
      }
      boolean popLinkRequired = profile.sharedSecretIdentity().map(p -> p.popLinkWitnessRequired()).orElse(false);
      if (popLinkRequired || SharedSecretProof.popLinkPresent(data)) {
        Verdict link = SharedSecretProof.popLinkWitness(data, secret);
        if (link instanceof Verdict.Refused refused) {
          audit.append(new AuditEvent.CmcIdPopLinkWitness(subjectId, Outcome.FAILURE,
              Optional.of(refused.reason())));
          audit.append(new AuditEvent.AuthFailure(subjectId, AUTH_MANAGER, refused.reason()));
          throw new CaException(refused.failInfo(), refused.reason());
        }
        audit.append(new AuditEvent.CmcIdPopLinkWitness(subjectId, Outcome.SUCCESS, Optional.empty()));
      }
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    if (!secrets.spend(stored.id(), now)) {
      throw refuseIdentity(subjectId, FailInfo.BAD_IDENTITY, unusable(identification, "shared secret "
          + stored.id() + " was spent by another request first"), Optional.empty());
    }
    String uses = stored.maxUses().isPresent() ? (stored.uses() + 1) + " of " + stored.maxUses().getAsInt()
        : Integer.toString(stored.uses() + 1);
    audit.append(new AuditEvent.CmcProofOfIdentification(subjectId, Outcome.SUCCESS, Optional.of("shared secret "
        + stored.id() + " spent (use " + uses + ")")));
    audit.append(new AuditEvent.AuthSuccess(subjectId, AUTH_MANAGER));
    return new SharedSecretIdentity(identification, stored.id());
  }

  /**
   * The SignerInfo's subjectKeyIdentifier must name exactly one request's key, and that key must have made the
   * signature over PKIData.
   */
  private void verifySelfSignature(CmcSignature signature, SignerIdentifier.SubjectKeyId sid, PkiData data,
      String subjectId) {
    List<TaggedRequest> named = data.requests().stream()
        .filter(r -> names(sid, r)).toList();
    Verdict verdict;
    if (named.size() != 1) {
      verdict = Verdict.refuse(FailInfo.BAD_IDENTITY, named.isEmpty()
          ? "the signer's subjectKeyIdentifier " + java.util.HexFormat.of().formatHex(sid.keyId())
              + " is not the key identifier of any request in the message: a self-signed request must be signed"
              + " with the requested key (RFC 5272 section 3.2.1.3.2)"
          : "the signer's subjectKeyIdentifier names " + named.size() + " requests; it must name one");
    } else {
      verdict = verify(signature, RequestedCertificate.of(named.get(0)).publicKey());
    }
    String certSubject = named.size() == 1 ? RequestedCertificate.of(named.get(0)).subject()
        .map(DistinguishedNames::rfc4514).orElse("") : "";
    if (verdict instanceof Verdict.Refused refused) {
      audit.append(new AuditEvent.CmcUserSignedRequestSigVerifyFailure(subjectId, SignerAuthentication.REQUEST_TYPE,
          certSubject, subjectId, refused.reason()));
      audit.append(new AuditEvent.AuthFailure(subjectId, AUTH_MANAGER, refused.reason()));
      throw new CaException(refused.failInfo(), refused.reason());
    }
    audit.append(new AuditEvent.CmcUserSignedRequestSigVerifySuccess(subjectId, SignerAuthentication.REQUEST_TYPE,
        certSubject, subjectId));
  }

  private static boolean names(SignerIdentifier.SubjectKeyId sid, TaggedRequest request) {
    SubjectPublicKeyInfo key;
    try {
      key = RequestedCertificate.of(request).publicKey();
    } catch (CaException e) {
      return false;
    }
    Optional<byte[]> requested = request instanceof TaggedRequest.Crmf c ? c.templateSubjectKeyId()
        : request instanceof TaggedRequest.Pkcs10 p ? p.requestedSubjectKeyId() : Optional.empty();
    return SelfSignedKeyId.names(sid.keyId(), key, requested);
  }

  private static Verdict verify(CmcSignature signature, SubjectPublicKeyInfo keyInfo) {
    PublicKey key;
    try {
      key = SignatureVerifiers.publicKey(keyInfo);
    } catch (IOException | RuntimeException e) {
      return Verdict.refuse(FailInfo.BAD_ALG, "the requested public key (" + keyInfo.getAlgorithm().getAlgorithm()
          + ") cannot be read");
    }
    SignatureCheck check = signature.verify(key);
    return check instanceof SignatureCheck.Invalid invalid
        ? Verdict.refuse(FailInfo.BAD_MESSAGE_CHECK, "the CMC signature over PKIData does not verify with the"
            + " requested key: " + invalid.reason())
        : Verdict.pass();
  }

  /**
   * RFC 5272 section 6.3.2: a secret bound to a subject proves only that subject; an unbound one proves the
   * identification, so the subject must carry it as UID or CN. Refused before the witness is checked, so a
   * subscriber who only got the subject wrong does not lose a try.
   */
  private void checkSubjects(PkiData data, SharedSecretRecord stored, String subjectId) {
    for (TaggedRequest r : data.requests()) {
      Optional<X500Name> subject = RequestedCertificate.of(r).subject();
      Optional<String> refusal;
      if (subject.isEmpty()) {
        refusal = Optional.of("request " + r.bodyPartId() + " names no subject");
      } else if (stored.subjectDn().isPresent()) {
        refusal = DistinguishedNames.rfc4514(subject.get()).equals(stored.subjectDn().get()) ? Optional.empty()
            : Optional.of("request " + r.bodyPartId() + " asks for subject '"
                + DistinguishedNames.rfc4514(subject.get()) + "', but the shared secret of identification '"
                + stored.identification() + "' is for '" + stored.subjectDn().get() + "' only");
      } else {
        refusal = carriesIdentification(subject.get(), stored.identification()) ? Optional.empty()
            : Optional.of("request " + r.bodyPartId() + " asks for subject '"
                + DistinguishedNames.rfc4514(subject.get()) + "', which has neither UID nor CN '"
                + stored.identification() + "': a shared secret proves only its own identification");
      }
      if (refusal.isPresent()) {
        throw refuseIdentity(subjectId, FailInfo.BAD_IDENTITY, refusal.get(), Optional.empty());
      }
    }
  }

  private static boolean carriesIdentification(X500Name subject, String identification) {
    for (SubjectAttribute a : List.of(SubjectAttribute.UID, SubjectAttribute.CN)) {
      for (org.bouncycastle.asn1.x500.RDN rdn : subject.getRDNs(a.oid())) {
        if (rdn.getFirst() != null && identification.equals(
            org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(rdn.getFirst().getValue()))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String unusable(String identification, String why) {
    return "identityProofV2 does not verify for identification '" + identification + "': " + why;
  }

  /**
   * Audits a failed identity proof and builds the refusal. The subscriber is told only that the proof failed; the
   * audit log gets {@code reason}. {@code countAgainst}: the secret whose witness was wrong, which may now lock.
   */
  private CaException refuseIdentity(String subjectId, FailInfo failInfo, String reason,
      Optional<SharedSecretRecord> countAgainst) {
    String audited = reason;
    if (countAgainst.isPresent()) {
      Optional<SharedSecretStatus> after = secrets.recordFailure(countAgainst.get().id(), policy.lockAfterFailures(),
          clock.instant());
      if (after.equals(Optional.of(SharedSecretStatus.LOCKED))) {
        audited += "; shared secret " + countAgainst.get().id() + " is now locked after "
            + policy.lockAfterFailures() + " failed proofs";
      }
    }
    audit.append(new AuditEvent.CmcProofOfIdentification(subjectId, Outcome.FAILURE, Optional.of(audited)));
    audit.append(new AuditEvent.AuthFailure(subjectId, AUTH_MANAGER, audited));
    String told = failInfo == FailInfo.BAD_IDENTITY && !subjectId.equals("--")
        ? "identityProofV2 does not verify for identification '" + subjectId + "' (a wrong, expired, spent,"
            + " revoked or locked shared secret, or a subject the secret does not cover)"
        : reason;
    return new CaException(failInfo, told);
  }
}
