package org.p11ca.ca.service;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.repository.AgentStore;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.repository.RequestStore;

/** The CMC facade (being written). */
public final class CmcService implements CmcAuthority {

  private final CaSigner ca;

  public CmcService(CaSigner ca, Profiles profiles, CertificateStore certificates, RequestStore requests,
      AgentStore agents, AuditLog audit, Clock clock) {
    this.ca = Objects.requireNonNull(ca);
  }

  @Override
  public CmcReply handle(CmcSubmission submission) {
    throw new UnsupportedOperationException("in progress");
  }

  @Override
  public List<X509CertificateHolder> caChain() {
    return ca.chain();
  }
}
