package org.p11ca.ca.repository;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** An agent as identified by one of its certificates, with the roles that certificate grants. */
public record Agent(CertificateId certificate, String name, Set<AgentRole> roles) {

  public Agent {
    Objects.requireNonNull(certificate);
    Objects.requireNonNull(name);
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
  }

  public boolean has(AgentRole role) {
    return roles.contains(role);
  }
}
