package org.p11ca.ca.kra;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.Outcome;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.repository.Agent;
import org.p11ca.ca.repository.AgentRole;
import org.p11ca.ca.repository.AgentStore;
import org.p11ca.ca.repository.ArchivedKeyStore;
import org.p11ca.ca.repository.CertificateRecord;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.repository.KeyRecoveryRecord;
import org.p11ca.ca.repository.KeyRecoveryStatus;
import org.p11ca.ca.repository.KeyRecoveryStore;
import org.p11ca.ca.repository.NewKeyRecovery;
import org.p11ca.ca.repository.RecoveryApprovalResult;

/**
 * Agent key recovery (issue [3]): a KRA agent asks for the archived key of a certificate, m KRA agents approve
 * (each once; the requester may be one of them), and the requester, and only the requester, takes the key once,
 * within the policy's lifetime of the request and unless a KRA agent cancelled it, as a PKCS#12 under a password of
 * their choosing ({@link ArchivedKeyExport}, the one export path). Every step is recorded in the database before it
 * is answered and audited with Dogtag's event names; no event, log line or message ever holds the password.
 *
 * <p>Refusals are {@link CaException}s whose fail reason says what kind of refusal it is, which the server maps
 * to HTTP: BAD_IDENTITY (403) for who is asking, BAD_CERT_ID (404) for an unknown serial or recovery id,
 * BAD_REQUEST (409) for a recovery not in a state to do that.
 *
 * <p>The approvals needed are the larger of those recorded when the recovery was asked for and those configured
 * now, so raising m takes effect at once and lowering it never weakens a recovery already under way.
 */
public final class KeyRecovery {

  /** PKCS#12 password rule: the file holds a private key in the clear but for this password. */
  public static final int MIN_PASSWORD_LENGTH = 8;

  private final ArchivedKeyStore archivedKeys;
  private final KeyRecoveryStore recoveries;
  private final CertificateStore certificates;
  private final AgentStore agents;
  private final ArchivedKeyExport export;
  private final KeyRecoveryPolicy policy;
  private final AuditLog audit;
  private final java.time.Clock clock;

  public KeyRecovery(ArchivedKeyStore archivedKeys, KeyRecoveryStore recoveries, CertificateStore certificates,
      AgentStore agents, ArchivedKeyExport export, KeyRecoveryPolicy policy, AuditLog audit, java.time.Clock clock) {
    this.archivedKeys = Objects.requireNonNull(archivedKeys);
    this.recoveries = Objects.requireNonNull(recoveries);
    this.certificates = Objects.requireNonNull(certificates);
    this.agents = Objects.requireNonNull(agents);
    this.export = Objects.requireNonNull(export);
    this.policy = Objects.requireNonNull(policy);
    this.audit = Objects.requireNonNull(audit);
    this.clock = Objects.requireNonNull(clock);
  }

  public KeyRecoveryPolicy policy() {
    return policy;
  }

  /**
   * Asks for the archived key of certificate {@code serial}.
   *
   * @return the new recovery's id, for the approvers and for {@link #release}
   * @throws CaException BAD_IDENTITY when the requester is not a KRA agent; BAD_CERT_ID when this CA issued no
   *     certificate with that serial or archived no key for it
   */
  public long request(BigInteger serial, Agent requester) {
    Objects.requireNonNull(serial);
    String subjectId = subjectId(requester);
    try {
      requireKraAgent(requester);
      // RFC 5280 4.1.2.2: a serial is positive and at most 20 octets; anything else names no certificate.
      if (serial.signum() <= 0 || serial.bitLength() > 160) {
        throw new CaException(FailInfo.BAD_CERT_ID, serial.toString(16) + " is not a certificate serial (RFC 5280"
            + " 4.1.2.2: positive, at most 20 octets)");
      }
      CertificateRecord cert = certificates.find(serial).filter(r -> r.certificate().isPresent())
          .orElseThrow(() -> new CaException(FailInfo.BAD_CERT_ID, "this CA has issued no certificate with serial 0x"
              + serial.toString(16)));
      ArchivedKey key = archivedKeys.findBySerial(serial).orElseThrow(() -> new CaException(FailInfo.BAD_CERT_ID,
          "no key was archived for certificate 0x" + serial.toString(16) + " (" + cert.subjectDn() + ")"));
      if (!Arrays.equals(encoded(key.publicKey()), parse(cert).getSubjectPublicKeyInfo().getEncoded())) {
        throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the key archived for certificate 0x" + serial.toString(16)
            + " is not that certificate's key");
      }
    } catch (CaException | IOException e) {
      CaException refusal = e instanceof CaException c ? c
          : new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot read certificate 0x" + serial.toString(16), e);
      audit.append(new AuditEvent.SecurityDataRecoveryRequest(subjectId, Outcome.FAILURE, Optional.empty(), serial,
          Optional.of(refusal.detail())));
      throw refusal;
    }
    KeyRecoveryRecord created = recoveries.create(new NewKeyRecovery(serial, requester.certificate(),
        requester.name(), policy.requiredApprovals(), clock.instant().plus(policy.lifetime())));
    audit.append(new AuditEvent.SecurityDataRecoveryRequest(subjectId, Outcome.SUCCESS,
        Optional.of(created.recoveryId()), serial, Optional.empty()));
    // Every step of a recovery is answered only once its record would survive a power cut, as CMC answers are.
    audit.syncAppended();
    return created.recoveryId();
  }

  /**
   * Records {@code approver}'s approval of a recovery.
   *
   * @throws CaException BAD_IDENTITY when the approver is not a KRA agent; BAD_CERT_ID for an unknown recovery;
   *     BAD_REQUEST when this agent already approved it or it was released
   */
  public RecoveryApprovals approve(long recoveryId, Agent approver) {
    String subjectId = subjectId(approver);
    try {
      requireKraAgent(approver);
      KeyRecoveryRecord current = find(recoveryId);
      requireNotExpired(current);
      int required = required(current);
      RecoveryApprovalResult result = recoveries.approve(recoveryId, approver.certificate(), approver.name(),
          required);
      if (result instanceof RecoveryApprovalResult.Recorded recorded) {
        int count = recorded.after().approvals().size();
        audit.append(new AuditEvent.SecurityDataRecoveryStateChange(subjectId, Outcome.SUCCESS, recoveryId,
            "approve (" + count + " of " + required + ")", Optional.empty()));
        if (recorded.becameApproved()) {
          audit.append(new AuditEvent.SecurityDataRecoveryStateChange(subjectId, Outcome.SUCCESS, recoveryId,
              "approved (" + count + " of " + required + ")", Optional.empty()));
        }
        audit.syncAppended();
        return new RecoveryApprovals(recoveryId, count, required);
      }
      if (result instanceof RecoveryApprovalResult.AlreadyApproved) {
        throw new CaException(FailInfo.BAD_REQUEST, "agent '" + approver.name() + "' has already approved key"
            + " recovery " + recoveryId + "; another KRA agent must");
      }
      if (result instanceof RecoveryApprovalResult.Cancelled) {
        throw cancelled(recoveryId);
      }
      throw result instanceof RecoveryApprovalResult.AlreadyReleased ? released(recoveryId) : unknown(recoveryId);
    } catch (CaException e) {
      audit.append(new AuditEvent.SecurityDataRecoveryStateChange(subjectId, Outcome.FAILURE, recoveryId,
          "approve", Optional.of(e.detail())));
      throw e;
    }
  }

  /**
   * <b>Hands out a private key.</b> The requester of an approved recovery takes the archived key, once, as a
   * PKCS#12 protected by {@code password} (which the caller wipes afterwards).
   *
   * @param caChain the CA certificates that follow the key's own certificate in the PKCS#12 (the key's certificate
   *     is read from the repository)
   * @throws CaException BAD_IDENTITY when {@code requester} is not a KRA agent or not the one who asked;
   *     BAD_CERT_ID for an unknown recovery; BAD_REQUEST when it lacks approvals, was released already, or the
   *     password is too short
   */
  public byte[] release(long recoveryId, Agent requester, char[] password, List<X509Certificate> caChain) {
    String subjectId = subjectId(requester);
    Optional<BigInteger> serial = Optional.empty();
    try {
      requireKraAgent(requester);
      KeyRecoveryRecord current = find(recoveryId);
      serial = Optional.of(current.serial());
      if (!current.requester().equals(requester.certificate())) {
        throw new CaException(FailInfo.BAD_IDENTITY, "key recovery " + recoveryId + " was asked for by agent '"
            + current.requesterName() + "'; only that agent, with the certificate it asked with, may take the key");
      }
      if (current.status() == KeyRecoveryStatus.RELEASED) {
        throw released(recoveryId);
      }
      if (current.status() == KeyRecoveryStatus.CANCELLED) {
        throw cancelled(recoveryId);
      }
      requireNotExpired(current);
      int required = required(current);
      if (current.approvals().size() < required) {
        throw new CaException(FailInfo.BAD_REQUEST, "key recovery " + recoveryId + " has "
            + current.approvals().size() + " of the " + required + " agent approvals it needs");
      }
      requireUsablePassword(password);
      byte[] pkcs12 = exportKey(current, password, caChain);
      // Claimed only after the export worked, so a token failure does not use the recovery up; the claim is
      // atomic, so of two concurrent releases only one leaves with the key.
      if (!recoveries.markReleased(recoveryId, required, clock.instant())) {
        Arrays.fill(pkcs12, (byte) 0);
        KeyRecoveryRecord now = find(recoveryId);
        if (now.status() == KeyRecoveryStatus.CANCELLED) {
          throw cancelled(recoveryId);
        }
        requireNotExpired(now);
        throw released(recoveryId);
      }
      audit.append(new AuditEvent.SecurityDataExportKey(subjectId, Outcome.SUCCESS, recoveryId, serial,
          Optional.empty()));
      // The key leaves only once the record that it left would survive a power cut.
      try {
        audit.syncAppended();
      } catch (CaException e) {
        Arrays.fill(pkcs12, (byte) 0);
        throw e;
      }
      return pkcs12;
    } catch (CaException e) {
      audit.append(new AuditEvent.SecurityDataExportKey(subjectId, Outcome.FAILURE, recoveryId, serial,
          Optional.of(e.detail())));
      throw e;
    }
  }

  /**
   * Cancels a recovery that was not released yet; any KRA agent may (the requester who changed their mind, or an
   * approver who will not approve).
   *
   * @throws CaException BAD_IDENTITY when the agent is not a KRA agent; BAD_CERT_ID for an unknown recovery;
   *     BAD_REQUEST when it was released or cancelled already
   */
  public void cancel(long recoveryId, Agent agent) {
    String subjectId = subjectId(agent);
    try {
      requireKraAgent(agent);
      find(recoveryId);
      if (!recoveries.cancel(recoveryId)) {
        // Only a closed recovery refuses the change: say which way it closed.
        throw find(recoveryId).status() == KeyRecoveryStatus.CANCELLED ? cancelled(recoveryId)
            : released(recoveryId);
      }
      audit.append(new AuditEvent.SecurityDataRecoveryStateChange(subjectId, Outcome.SUCCESS, recoveryId,
          "cancel", Optional.empty()));
      audit.syncAppended();
    } catch (CaException e) {
      audit.append(new AuditEvent.SecurityDataRecoveryStateChange(subjectId, Outcome.FAILURE, recoveryId,
          "cancel", Optional.of(e.detail())));
      throw e;
    }
  }

  /**
   * The recoveries open now (not released, cancelled or expired), oldest first, for a KRA agent deciding what to
   * approve.
   *
   * @throws CaException BAD_IDENTITY when the agent is not a KRA agent
   */
  public List<KeyRecoveryRecord> listOpen(Agent agent) {
    requireKraAgent(agent);
    return recoveries.listOpen(clock.instant());
  }

  /**
   * The PKCS#12 password rule, for callers that want to refuse a bad password before anything else happens.
   *
   * @throws CaException BAD_REQUEST when the password is shorter than {@link #MIN_PASSWORD_LENGTH}
   */
  public static void requireUsablePassword(char[] password) {
    if (password == null || password.length < MIN_PASSWORD_LENGTH) {
      throw new CaException(FailInfo.BAD_REQUEST, "the PKCS#12 password must be at least " + MIN_PASSWORD_LENGTH
          + " characters");
    }
  }

  private byte[] exportKey(KeyRecoveryRecord recovery, char[] password, List<X509Certificate> caChain) {
    BigInteger serial = recovery.serial();
    ArchivedKey key = archivedKeys.findBySerial(serial).orElseThrow(() -> new CaException(FailInfo.BAD_CERT_ID,
        "no key is archived for certificate 0x" + serial.toString(16) + " any more"));
    CertificateRecord record = certificates.find(serial).filter(r -> r.certificate().isPresent())
        .orElseThrow(() -> new CaException(FailInfo.BAD_CERT_ID, "certificate 0x" + serial.toString(16)
            + " is no longer on record"));
    List<X509Certificate> chain = new ArrayList<>();
    try {
      chain.add(new JcaX509CertificateConverter().getCertificate(parse(record)));
    } catch (CertificateException | IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot read certificate 0x" + serial.toString(16), e);
    }
    chain.addAll(caChain);
    return export.exportAsPasswordProtectedPkcs12(key, chain, password);
  }

  private KeyRecoveryRecord find(long recoveryId) {
    return recoveries.find(recoveryId).orElseThrow(() -> unknown(recoveryId));
  }

  private void requireNotExpired(KeyRecoveryRecord recovery) {
    if (clock.instant().isAfter(recovery.expiresAt())) {
      throw new CaException(FailInfo.BAD_REQUEST, "key recovery " + recovery.recoveryId() + " expired at "
          + recovery.expiresAt() + " (kra.recoveryLifetime); ask for the key again");
    }
  }

  private static CaException cancelled(long recoveryId) {
    return new CaException(FailInfo.BAD_REQUEST, "key recovery " + recoveryId + " was cancelled; ask for the key"
        + " again");
  }

  private int required(KeyRecoveryRecord recovery) {
    return Math.max(recovery.requiredApprovals(), policy.requiredApprovals());
  }

  /** From the agent store, not the caller's copy: a role removed a moment ago is removed now. */
  private void requireKraAgent(Agent agent) {
    boolean kra = agents.findAgent(agent.certificate()).map(a -> a.has(AgentRole.KRA_AGENT)).orElse(false);
    if (!kra) {
      throw new CaException(FailInfo.BAD_IDENTITY, "agent '" + agent.name() + "' does not hold the KRA_AGENT role"
          + " (grant it with p11ca bootstrap --agent NAME --role KRA_AGENT)");
    }
  }

  /** Audit SubjectID: the agent certificate's subject (RFC 4514), as every other event names its actor. */
  private String subjectId(Agent agent) {
    return certificates.find(agent.certificate().serial()).filter(r -> r.certificate().isPresent()).map(r -> {
      try {
        return DistinguishedNames.rfc4514(parse(r).getSubject());
      } catch (IOException e) {
        return r.subjectDn();
      }
    }).orElse("agent " + agent.name());
  }

  private static X509CertificateHolder parse(CertificateRecord record) throws IOException {
    return new X509CertificateHolder(record.certificate().orElseThrow());
  }

  private static byte[] encoded(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo key) throws IOException {
    return key.getEncoded();
  }

  private static CaException unknown(long recoveryId) {
    return new CaException(FailInfo.BAD_CERT_ID, "there is no key recovery " + recoveryId);
  }

  private static CaException released(long recoveryId) {
    return new CaException(FailInfo.BAD_REQUEST, "key recovery " + recoveryId + " was released already; ask"
        + " for a new one");
  }
}
