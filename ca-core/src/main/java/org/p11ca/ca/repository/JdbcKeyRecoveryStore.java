package org.p11ca.ca.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link KeyRecoveryStore} on the {@code key_recovery} and {@code key_recovery_approval} tables. */
public final class JdbcKeyRecoveryStore implements KeyRecoveryStore {

  private final CaDatabase db;
  private final Clock clock;

  public JdbcKeyRecoveryStore(CaDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public KeyRecoveryRecord create(NewKeyRecovery r) {
    return db.write("recording a key recovery request", c -> {
      // Drawn inside the serialized write transaction, as JdbcRequestStore draws request ids: MAX + 1 cannot be
      // taken twice, and the primary key would refuse it if it were.
      long id;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(MAX(recovery_id), 0) + 1 FROM key_recovery");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
      long now = clock.millis();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO key_recovery (recovery_id, serial_hex, status,"
          + " required_approvals, requester_issuer_dn, requester_serial_hex, requester_name, requested_at,"
          + " updated_at, released_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")) {
        ps.setLong(1, id);
        ps.setString(2, SerialHex.of(r.serial()));
        ps.setString(3, KeyRecoveryStatus.PENDING.name());
        ps.setInt(4, r.requiredApprovals());
        ps.setString(5, r.requester().issuerDn());
        ps.setString(6, SerialHex.of(r.requester().serial()));
        ps.setString(7, r.requesterName());
        ps.setLong(8, now);
        ps.setLong(9, now);
        ps.setLong(10, r.expiresAt().toEpochMilli());
        ps.executeUpdate();
      }
      return select(c, id).orElseThrow();
    });
  }

  @Override
  public Optional<KeyRecoveryRecord> find(long recoveryId) {
    return db.read("reading key recovery " + recoveryId, c -> select(c, recoveryId));
  }

  @Override
  public RecoveryApprovalResult approve(long recoveryId, CertificateId approver, String approverName,
      int requiredApprovals) {
    Objects.requireNonNull(approver);
    Objects.requireNonNull(approverName);
    return db.write("recording an approval of key recovery " + recoveryId, c -> {
      Optional<KeyRecoveryRecord> before = select(c, recoveryId);
      if (before.isEmpty()) {
        return new RecoveryApprovalResult.Unknown(recoveryId);
      }
      if (before.get().status() == KeyRecoveryStatus.RELEASED) {
        return new RecoveryApprovalResult.AlreadyReleased(before.get());
      }
      if (before.get().status() == KeyRecoveryStatus.CANCELLED) {
        return new RecoveryApprovalResult.Cancelled(before.get());
      }
      // Insert-if-absent in one statement (as JdbcAgentStore grants roles): a failed INSERT would abort the whole
      // transaction on PostgreSQL. The table's keys back this up.
      long now = clock.millis();
      int inserted;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO key_recovery_approval (recovery_id,"
          + " approver_issuer_dn, approver_serial_hex, approver_name, approved_at) SELECT ?, ?, ?, ?, ?"
          + " WHERE NOT EXISTS (SELECT 1 FROM key_recovery_approval WHERE recovery_id = ? AND ((approver_issuer_dn"
          + " = ? AND approver_serial_hex = ?) OR approver_name = ?))")) {
        String serial = SerialHex.of(approver.serial());
        ps.setLong(1, recoveryId);
        ps.setString(2, approver.issuerDn());
        ps.setString(3, serial);
        ps.setString(4, approverName);
        ps.setLong(5, now);
        ps.setLong(6, recoveryId);
        ps.setString(7, approver.issuerDn());
        ps.setString(8, serial);
        ps.setString(9, approverName);
        inserted = ps.executeUpdate();
      }
      if (inserted == 0) {
        return new RecoveryApprovalResult.AlreadyApproved(before.get());
      }
      boolean becameApproved = before.get().status() == KeyRecoveryStatus.PENDING
          && before.get().approvals().size() + 1 >= requiredApprovals;
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE key_recovery SET status = ?, updated_at = ? WHERE recovery_id = ?")) {
        ps.setString(1, (becameApproved ? KeyRecoveryStatus.APPROVED : before.get().status()).name());
        ps.setLong(2, now);
        ps.setLong(3, recoveryId);
        ps.executeUpdate();
      }
      return new RecoveryApprovalResult.Recorded(select(c, recoveryId).orElseThrow(), becameApproved);
    });
  }

  @Override
  public boolean markReleased(long recoveryId, int requiredApprovals, Instant now) {
    return db.write("releasing key recovery " + recoveryId, c -> {
      long at = clock.millis();
      try (PreparedStatement ps = c.prepareStatement("UPDATE key_recovery SET status = ?, released_at = ?,"
          + " updated_at = ? WHERE recovery_id = ? AND status IN (?, ?) AND expires_at >= ?"
          + " AND (SELECT COUNT(*) FROM key_recovery_approval a WHERE a.recovery_id = ?) >= ?")) {
        ps.setString(1, KeyRecoveryStatus.RELEASED.name());
        ps.setLong(2, at);
        ps.setLong(3, at);
        ps.setLong(4, recoveryId);
        ps.setString(5, KeyRecoveryStatus.PENDING.name());
        ps.setString(6, KeyRecoveryStatus.APPROVED.name());
        ps.setLong(7, now.toEpochMilli());
        ps.setLong(8, recoveryId);
        ps.setInt(9, requiredApprovals);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean cancel(long recoveryId) {
    return db.write("cancelling key recovery " + recoveryId, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE key_recovery SET status = ?, updated_at = ?"
          + " WHERE recovery_id = ? AND status IN (?, ?)")) {
        ps.setString(1, KeyRecoveryStatus.CANCELLED.name());
        ps.setLong(2, clock.millis());
        ps.setLong(3, recoveryId);
        ps.setString(4, KeyRecoveryStatus.PENDING.name());
        ps.setString(5, KeyRecoveryStatus.APPROVED.name());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<KeyRecoveryRecord> listOpen(Instant now) {
    return db.read("listing open key recoveries", c -> {
      List<Long> ids = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT recovery_id FROM key_recovery WHERE status IN (?, ?)"
          + " AND expires_at >= ? ORDER BY recovery_id")) {
        ps.setString(1, KeyRecoveryStatus.PENDING.name());
        ps.setString(2, KeyRecoveryStatus.APPROVED.name());
        ps.setLong(3, now.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
      }
      List<KeyRecoveryRecord> out = new ArrayList<>();
      for (long id : ids) {
        select(c, id).ifPresent(out::add);
      }
      return List.copyOf(out);
    });
  }

  private static Optional<KeyRecoveryRecord> select(Connection c, long id) throws SQLException {
    List<RecoveryApproval> approvals = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT approver_issuer_dn, approver_serial_hex, approver_name,"
        + " approved_at FROM key_recovery_approval WHERE recovery_id = ? ORDER BY approved_at, approver_name")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          approvals.add(new RecoveryApproval(new CertificateId(rs.getString(1), SerialHex.parse(rs.getString(2))),
              rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT recovery_id, serial_hex, status, required_approvals,"
        + " requester_issuer_dn, requester_serial_hex, requester_name, requested_at, updated_at, released_at,"
        + " expires_at FROM key_recovery WHERE recovery_id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new KeyRecoveryRecord(
            rs.getLong("recovery_id"),
            SerialHex.parse(rs.getString("serial_hex")),
            KeyRecoveryStatus.valueOf(rs.getString("status")),
            rs.getInt("required_approvals"),
            new CertificateId(rs.getString("requester_issuer_dn"),
                SerialHex.parse(rs.getString("requester_serial_hex"))),
            rs.getString("requester_name"),
            approvals,
            Instant.ofEpochMilli(rs.getLong("requested_at")),
            Instant.ofEpochMilli(rs.getLong("updated_at")),
            Jdbc.optionalInstant(rs, "released_at"),
            Instant.ofEpochMilli(rs.getLong("expires_at"))));
      }
    }
  }
}
