package org.p11ca.ca.kra;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.proof.SignerCertificateCheck;
import org.p11ca.ca.proof.Verdict;
import org.p11ca.ca.repository.Agent;
import org.p11ca.ca.repository.AgentStore;
import org.p11ca.ca.repository.CertificateId;

/**
 * Who acts in a key recovery: the certificate an agent presents (the TLS client certificate, or the one an operator
 * names on the command line) must pass the same check as a CMC signer's ({@link SignerCertificateCheck}: this CA's,
 * valid now, on record and not revoked) and be an agent certificate. Which roles it needs is {@link KeyRecovery}'s
 * decision. Audited as AUTH_SUCCESS / AUTH_FAILURE.
 */
public final class KraAgentAuthentication {

  /** The authManager of an agent's TLS client certificate, as the CMC Simple path names it. */
  public static final String TLS_CLIENT_CERTIFICATE = "TLSClientCertAuth";
  /** The authManager when an operator, holding the token PIN, names the agent who acts. */
  public static final String OPERATOR_NAMED_AGENT = "OperatorNamedAgentCert";

  private final SignerCertificateCheck certificateCheck;
  private final AgentStore agents;
  private final AuditLog audit;

  public KraAgentAuthentication(SignerCertificateCheck certificateCheck, AgentStore agents, AuditLog audit) {
    this.certificateCheck = Objects.requireNonNull(certificateCheck);
    this.agents = Objects.requireNonNull(agents);
    this.audit = Objects.requireNonNull(audit);
  }

  /**
   * @throws CaException BAD_IDENTITY when the certificate is not this CA's, not in good standing, or no agent's
   *     (already audited)
   */
  public Agent authenticate(X509Certificate certificate, String authManager) {
    X509CertificateHolder cert;
    try {
      cert = new X509CertificateHolder(certificate.getEncoded());
    } catch (CertificateEncodingException | IOException e) {
      throw refuse("--", authManager, "the agent certificate cannot be read");
    }
    String subjectId = DistinguishedNames.rfc4514(cert.getSubject());
    if (certificateCheck.check(cert) instanceof Verdict.Refused refused) {
      throw refuse(subjectId, authManager, refused.reason().replaceFirst("^signer certificate", "agent certificate"));
    }
    CertificateId id = CertificateId.of(certificate.getIssuerX500Principal(), certificate.getSerialNumber());
    Agent agent = agents.findAgent(id).orElseThrow(() -> refuse(subjectId, authManager, "certificate "
        + subjectId + " (serial 0x" + certificate.getSerialNumber().toString(16) + ") is not an agent certificate"));
    audit.append(new AuditEvent.AuthSuccess(subjectId, authManager));
    return agent;
  }

  private CaException refuse(String subjectId, String authManager, String reason) {
    audit.append(new AuditEvent.AuthFailure(subjectId, authManager, reason));
    return new CaException(FailInfo.BAD_IDENTITY, reason);
  }
}
