package org.p11ca.ca.service;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.repository.AgentRole;
import org.p11ca.ca.repository.AgentStore;
import org.p11ca.ca.repository.CertificateId;

/** Grants agent roles to certificates, audited as CONFIG_ROLE. An operator action: the caller opened the CA token. */
public final class AgentAdministration {

  private final AgentStore agents;
  private final AuditLog audit;

  public AgentAdministration(AgentStore agents, AuditLog audit) {
    this.agents = Objects.requireNonNull(agents);
    this.audit = Objects.requireNonNull(audit);
  }

  public void grant(X509CertificateHolder certificate, String agentName, Set<AgentRole> roles, String operator) {
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("grant at least one role");
    }
    CertificateId id;
    try {
      id = CertificateId.of(new X500Principal(certificate.getIssuer().getEncoded()), certificate.getSerialNumber());
    } catch (IOException e) {
      throw new IllegalStateException("re-encoding a parsed name failed", e);
    }
    agents.grant(id, agentName, roles);
    audit.append(new AuditEvent.ConfigRole(operator, "grant " + EnumSet.copyOf(roles) + " to agent '" + agentName
        + "' (certificate " + DistinguishedNames.rfc4514(certificate.getSubject()) + ", issuer "
        + DistinguishedNames.rfc4514(certificate.getIssuer()) + ", serial 0x"
        + certificate.getSerialNumber().toString(16) + ")"));
  }
}
