package org.p11ca.ca.service;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.Outcome;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.cmc.PkiData;
import org.p11ca.ca.cmc.RevocationRequest;
import org.p11ca.ca.cmc.SharedSecretMacs;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.repository.CertificateRecord;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.repository.RevocationReason;
import org.p11ca.ca.repository.RevocationResult;
import org.p11ca.ca.repository.SharedSecretRecord;
import org.p11ca.ca.repository.SharedSecretStatus;

/**
 * The revokeRequest control (RFC 5272 section 6.11), as Dogtag takes it: signed by an agent (any certificate of
 * this CA), signed by a user (a certificate with the signer's own subject: "if the name information matches"), or
 * unsigned with the certificate holder's shared secret in the control. Each control gets its own status; every
 * request and its outcome are audited (CERT_STATUS_CHANGE_REQUEST, CERT_STATUS_CHANGE_REQUEST_PROCESSED).
 */
final class CmcRevocation {

  /** One revokeRequest's outcome, for its CMCStatusInfoV2. */
  record Result(int bodyPartId, Optional<CaException> failure) {
  }

  /** Who asks: a certificate holder, or nobody but the holder of a shared secret. */
  sealed interface Revoker {
    String subjectId();
  }

  record BySigner(Signer signer) implements Revoker {
    @Override
    public String subjectId() {
      return signer.subjectId();
    }
  }

  record BySharedSecret() implements Revoker {
    @Override
    public String subjectId() {
      return "--";
    }
  }

  private final X500Name caSubject;
  private final CertificateStore certificates;
  private final Optional<SharedSecretIdentities> sharedSecrets;
  private final List<RevocationListener> listeners;
  private final AuditLog audit;
  private final Clock clock;

  CmcRevocation(X500Name caSubject, CertificateStore certificates, Optional<SharedSecretIdentities> sharedSecrets,
      List<RevocationListener> listeners, AuditLog audit, Clock clock) {
    this.caSubject = Objects.requireNonNull(caSubject);
    this.certificates = Objects.requireNonNull(certificates);
    this.sharedSecrets = Objects.requireNonNull(sharedSecrets);
    // Not copied: the composition root registers listeners (the CRL publisher) after the service exists.
    this.listeners = Objects.requireNonNull(listeners);
    this.audit = Objects.requireNonNull(audit);
    this.clock = Objects.requireNonNull(clock);
  }

  List<Result> revokeAll(PkiData data, Revoker revoker) {
    List<RevocationRequest> wanted = data.revokeRequests();
    List<Integer> ids = data.revokeRequestBodyPartIds();
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < wanted.size(); i++) {
      results.add(revoke(ids.get(i), wanted.get(i), revoker));
    }
    return results;
  }

  private Result revoke(int bodyPartId, RevocationRequest request, Revoker revoker) {
    String subjectId = revoker.subjectId();
    BigInteger serial = request.serial();
    try {
      RevocationReason reason = reason(request.reason());
      CertificateRecord target = target(request);
      if (revoker instanceof BySharedSecret) {
        subjectId = target.subjectDn();
        checkSharedSecret(request, target);
      } else {
        authorize(((BySigner) revoker).signer(), target);
      }
      audit.append(new AuditEvent.CertStatusChangeRequest(subjectId, Outcome.SUCCESS, serial, request.reason(),
          Optional.empty()));
      Instant now = clock.instant();
      RevocationResult result = certificates.revoke(serial, reason, request.invalidityDate(), now);
      if (result instanceof RevocationResult.AlreadyRevoked already) {
        throw new CaException(FailInfo.BAD_REQUEST, "certificate 0x" + serial.toString(16) + " was already revoked"
            + " at " + already.existing().revokedAt() + " (" + already.existing().reason() + "); a revocation is"
            + " never changed");
      }
      if (result instanceof RevocationResult.UnknownSerial) {
        throw new CaException(FailInfo.BAD_CERT_ID, "no certificate 0x" + serial.toString(16) + " on record");
      }
      audit.append(new AuditEvent.CertStatusChangeRequestProcessed(subjectId, Outcome.SUCCESS, serial,
          request.reason(), Optional.empty()));
      for (RevocationListener l : listeners) {
        l.revoked(serial);
      }
      return new Result(bodyPartId, Optional.empty());
    } catch (CaException e) {
      if (e.failInfo() == FailInfo.INTERNAL_CA_ERROR) {
        throw e;
      }
      audit.append(new AuditEvent.CertStatusChangeRequestProcessed(subjectId, Outcome.FAILURE, serial,
          request.reason(), Optional.of(e.detail())));
      return new Result(bodyPartId, Optional.of(e));
    }
  }

  /** RFC 5280 section 5.3.1; removeFromCRL only undoes a hold, and this CA puts no certificate on hold. */
  private static RevocationReason reason(int code) {
    RevocationReason reason;
    try {
      reason = RevocationReason.ofCode(code);
    } catch (IllegalArgumentException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "CRLReason " + code + " is not a reason code (RFC 5280 5.3.1)");
    }
    if (reason == RevocationReason.REMOVE_FROM_CRL || reason == RevocationReason.CERTIFICATE_HOLD) {
      throw new CaException(FailInfo.BAD_REQUEST, "CRLReason " + reason + " is not supported: this CA revokes"
          + " for good and keeps no certificate on hold");
    }
    return reason;
  }

  private CertificateRecord target(RevocationRequest request) {
    if (!request.issuerName().equals(caSubject)) {
      throw new CaException(FailInfo.BAD_CERT_ID, "issuerName '" + DistinguishedNames.rfc4514(request.issuerName())
          + "' is not this CA ('" + DistinguishedNames.rfc4514(caSubject) + "')");
    }
    return certificates.find(request.serial()).orElseThrow(() -> new CaException(FailInfo.BAD_CERT_ID,
        "no certificate 0x" + request.serial().toString(16) + " was issued by this CA"));
  }

  /**
   * Agents revoke any certificate of this CA; a user only those with its own subject (RFC 5272 section 6.11: "if
   * the name information matches"), which covers its own certificate and its encryption certificate.
   */
  private void authorize(Signer signer, CertificateRecord target) {
    if (signer.agent()) {
      return;
    }
    if (!target.subjectDn().equals(signer.subjectId())) {
      throw new CaException(FailInfo.BAD_REQUEST, "the signer " + signer.subjectId() + " may revoke only"
          + " certificates with its own subject, and 0x" + target.serial().toString(16) + " is '"
          + target.subjectDn() + "'");
    }
  }

  /**
   * An unsigned revocation carries the shared secret of the certificate's holder: the active secret of the
   * identification that is the certificate's UID (else CN). Compared in constant time, spent when it matches,
   * counted towards the lock when it does not.
   */
  private void checkSharedSecret(RevocationRequest request, CertificateRecord target) {
    byte[] given = request.passphrase().orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST, "an unsigned"
        + " revokeRequest must carry the certificate holder's shared secret (RFC 5272 section 6.11)"));
    SharedSecretIdentities secrets = sharedSecrets.orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST,
        "shared-secret revocation is not enabled on this CA"));
    String identification = holder(target).orElseThrow(() -> new CaException(FailInfo.BAD_IDENTITY,
        "certificate 0x" + target.serial().toString(16) + " has no UID or CN to find a shared secret by"));
    Optional<SharedSecretRecord> found = secrets.store().active(identification);
    Instant now = clock.instant();
    String refusal = "the shared secret does not match that of the holder of certificate 0x"
        + target.serial().toString(16);
    if (found.isEmpty() || found.get().expiredAt(now)) {
      throw new CaException(FailInfo.BAD_IDENTITY, refusal + " (none active)");
    }
    byte[] secret = secrets.vault().open(found.get());
    boolean matches;
    try {
      matches = SharedSecretMacs.sameWitness(secret, given);
    } finally {
      Arrays.fill(secret, (byte) 0);
      Arrays.fill(given, (byte) 0);
    }
    if (!matches) {
      Optional<SharedSecretStatus> after = secrets.store().recordFailure(found.get().id(),
          secrets.policy().lockAfterFailures(), now);
      throw new CaException(FailInfo.BAD_IDENTITY, refusal + (after.equals(Optional.of(SharedSecretStatus.LOCKED))
          ? "; the secret is now locked" : ""));
    }
    if (!secrets.store().spend(found.get().id(), now)) {
      throw new CaException(FailInfo.BAD_IDENTITY, refusal + " (it was spent by another request first)");
    }
  }

  private static Optional<String> holder(CertificateRecord target) {
    X500Name subject = new X500Name(target.subjectDn());
    for (org.bouncycastle.asn1.ASN1ObjectIdentifier type : List.of(org.bouncycastle.asn1.x500.style.BCStyle.UID,
        org.bouncycastle.asn1.x500.style.BCStyle.CN)) {
      var rdns = subject.getRDNs(type);
      if (rdns.length > 0 && rdns[0].getFirst() != null) {
        return Optional.of(org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(rdns[0].getFirst().getValue()));
      }
    }
    return Optional.empty();
  }
}
