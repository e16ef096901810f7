package org.p11ca.ca.repository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** {@link AgentStore} on the {@code agent_role} table: one row per (certificate, role). */
public final class JdbcAgentStore implements AgentStore {

  private final CaDatabase db;
  private final Clock clock;

  public JdbcAgentStore(CaDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public void grant(CertificateId certificate, String agentName, Set<AgentRole> roles) {
    Objects.requireNonNull(agentName);
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("grant at least one role");
    }
    String serial = SerialHex.of(certificate.serial());
    db.write("granting agent roles to " + agentName, c -> {
      for (AgentRole role : roles) {
        // Insert-if-absent in one statement, so re-granting a role is a no-op without a failed statement (which
        // would abort the whole transaction on PostgreSQL).
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO agent_role (issuer_dn, serial_hex, agent_name,"
            + " role, granted_at) SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM agent_role"
            + " WHERE issuer_dn = ? AND serial_hex = ? AND role = ?)")) {
          ps.setString(1, certificate.issuerDn());
          ps.setString(2, serial);
          ps.setString(3, agentName);
          ps.setString(4, role.name());
          ps.setLong(5, clock.millis());
          ps.setString(6, certificate.issuerDn());
          ps.setString(7, serial);
          ps.setString(8, role.name());
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  @Override
  public boolean removeAgent(CertificateId certificate) {
    String serial = SerialHex.of(certificate.serial());
    return db.write("removing agent certificate " + serial, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM agent_role WHERE issuer_dn = ? AND serial_hex = ?")) {
        ps.setString(1, certificate.issuerDn());
        ps.setString(2, serial);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Optional<Agent> findAgent(CertificateId certificate) {
    String serial = SerialHex.of(certificate.serial());
    return db.read("looking up agent certificate " + serial, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT agent_name, role FROM agent_role WHERE issuer_dn = ? AND serial_hex = ? ORDER BY role")) {
        ps.setString(1, certificate.issuerDn());
        ps.setString(2, serial);
        String name = null;
        Set<AgentRole> roles = EnumSet.noneOf(AgentRole.class);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            name = rs.getString("agent_name");
            roles.add(AgentRole.valueOf(rs.getString("role")));
          }
        }
        return name == null ? Optional.empty() : Optional.of(new Agent(certificate, name, roles));
      }
    });
  }
}
