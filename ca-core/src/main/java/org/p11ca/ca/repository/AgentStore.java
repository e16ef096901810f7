package org.p11ca.ca.repository;

import java.util.Optional;
import java.util.Set;

/** Which certificates authenticate agents, for authorizing agent-signed CMC requests. */
public interface AgentStore {

  /** Grants roles to the agent holding {@code certificate}; granting a role it already has changes nothing. */
  void grant(CertificateId certificate, String agentName, Set<AgentRole> roles);

  /** Removes every role of that certificate; returns whether it had any. */
  boolean removeAgent(CertificateId certificate);

  /** The agent this certificate belongs to, or empty when it is not an agent certificate. */
  Optional<Agent> findAgent(CertificateId certificate);

  default boolean hasRole(CertificateId certificate, AgentRole role) {
    return findAgent(certificate).map(a -> a.has(role)).orElse(false);
  }
}
