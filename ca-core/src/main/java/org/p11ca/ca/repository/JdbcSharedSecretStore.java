package org.p11ca.ca.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** {@link SharedSecretStore} on the {@code shared_secret} table (schema 5). */
public final class JdbcSharedSecretStore implements SharedSecretStore {

  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder UNB64 = Base64.getDecoder();
  private static final String COLUMNS = "secret_id, identification, subject_dn, status, max_uses, uses, failures,"
      + " protected_secret_b64, protection_iv_b64, protection_key, created_by, created_at, expires_at, last_used_at";

  private final CaDatabase db;

  public JdbcSharedSecretStore(CaDatabase db) {
    this.db = Objects.requireNonNull(db);
  }

  @Override
  public Created create(NewSharedSecret s) {
    return db.write("recording a shared secret for identification '" + s.identification() + "'", c -> {
      Optional<Long> replaced = activeId(c, s.identification());
      if (replaced.isPresent()) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE shared_secret SET status = ?, closed_at = ?"
            + " WHERE secret_id = ?")) {
          ps.setString(1, SharedSecretStatus.REPLACED.name());
          ps.setLong(2, s.createdAt().toEpochMilli());
          ps.setLong(3, replaced.get());
          ps.executeUpdate();
        }
      }
      // Drawn inside the serialized write transaction, as the other stores draw their ids.
      long id;
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(secret_id), 0) + 1 FROM shared_secret");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO shared_secret (" + COLUMNS + ", closed_at)"
          + " VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, NULL, NULL)")) {
        ps.setLong(1, id);
        ps.setString(2, s.identification());
        if (s.subjectDn().isPresent()) {
          ps.setString(3, s.subjectDn().get());
        } else {
          ps.setNull(3, Types.VARCHAR);
        }
        ps.setString(4, SharedSecretStatus.ACTIVE.name());
        if (s.maxUses().isPresent()) {
          ps.setInt(5, s.maxUses().getAsInt());
        } else {
          ps.setNull(5, Types.INTEGER);
        }
        ps.setString(6, B64.encodeToString(s.protectedSecret()));
        ps.setString(7, B64.encodeToString(s.protectionIv()));
        ps.setString(8, s.protectionKey());
        ps.setString(9, s.createdBy());
        ps.setLong(10, s.createdAt().toEpochMilli());
        ps.setLong(11, s.expiresAt().toEpochMilli());
        ps.executeUpdate();
      }
      return new Created(select(c, "secret_id = ?", ps -> ps.setLong(1, id)).get(0), replaced);
    });
  }

  @Override
  public Optional<SharedSecretRecord> active(String identification) {
    return db.read("reading the shared secret of identification '" + identification + "'",
        c -> select(c, "identification = ? AND status = ?", ps -> {
          ps.setString(1, identification);
          ps.setString(2, SharedSecretStatus.ACTIVE.name());
        }).stream().findFirst());
  }

  @Override
  public Optional<SharedSecretRecord> latest(String identification) {
    return db.read("reading the shared secrets of identification '" + identification + "'",
        c -> select(c, "identification = ? ORDER BY secret_id DESC", ps -> ps.setString(1, identification))
            .stream().findFirst());
  }

  @Override
  public boolean spend(long secretId, Instant now) {
    // One conditional UPDATE: the WHERE clause is the whole rule, so two concurrent proofs of a single-use secret
    // cannot both match it. SET expressions read the row's old values.
    return db.write("spending shared secret " + secretId, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE shared_secret SET uses = uses + 1, last_used_at = ?,"
          + " status = CASE WHEN max_uses IS NOT NULL AND uses + 1 >= max_uses THEN ? ELSE status END,"
          + " closed_at = CASE WHEN max_uses IS NOT NULL AND uses + 1 >= max_uses THEN ? ELSE closed_at END"
          + " WHERE secret_id = ? AND status = ? AND expires_at > ? AND (max_uses IS NULL OR uses < max_uses)")) {
        ps.setLong(1, now.toEpochMilli());
        ps.setString(2, SharedSecretStatus.USED.name());
        ps.setLong(3, now.toEpochMilli());
        ps.setLong(4, secretId);
        ps.setString(5, SharedSecretStatus.ACTIVE.name());
        ps.setLong(6, now.toEpochMilli());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<SharedSecretStatus> recordFailure(long secretId, int lockAfter, Instant now) {
    return db.write("counting a failed proof of shared secret " + secretId, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE shared_secret SET failures = failures + 1,"
          + " status = CASE WHEN failures + 1 >= ? THEN ? ELSE status END,"
          + " closed_at = CASE WHEN failures + 1 >= ? THEN ? ELSE closed_at END"
          + " WHERE secret_id = ? AND status = ?")) {
        ps.setInt(1, lockAfter);
        ps.setString(2, SharedSecretStatus.LOCKED.name());
        ps.setInt(3, lockAfter);
        ps.setLong(4, now.toEpochMilli());
        ps.setLong(5, secretId);
        ps.setString(6, SharedSecretStatus.ACTIVE.name());
        if (ps.executeUpdate() != 1) {
          return Optional.<SharedSecretStatus>empty();
        }
      }
      return Optional.of(select(c, "secret_id = ?", ps -> ps.setLong(1, secretId)).get(0).status());
    });
  }

  @Override
  public boolean revoke(String identification, Instant now) {
    return db.write("revoking the shared secret of identification '" + identification + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE shared_secret SET status = ?, closed_at = ?"
          + " WHERE identification = ? AND status = ?")) {
        ps.setString(1, SharedSecretStatus.REVOKED.name());
        ps.setLong(2, now.toEpochMilli());
        ps.setString(3, identification);
        ps.setString(4, SharedSecretStatus.ACTIVE.name());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<SharedSecretRecord> all() {
    return db.read("listing shared secrets", c -> select(c, "1 = 1 ORDER BY secret_id DESC", ps -> { }));
  }

  private static Optional<Long> activeId(Connection c, String identification) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT secret_id FROM shared_secret WHERE identification = ?"
        + " AND status = ?")) {
      ps.setString(1, identification);
      ps.setString(2, SharedSecretStatus.ACTIVE.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private static List<SharedSecretRecord> select(Connection c, String where, Binder binder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM shared_secret WHERE " + where)) {
      binder.bind(ps);
      List<SharedSecretRecord> found = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int maxUses = rs.getInt("max_uses");
          OptionalInt max = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(maxUses);
          found.add(new SharedSecretRecord(rs.getLong("secret_id"), rs.getString("identification"),
              Jdbc.optionalString(rs, "subject_dn"), SharedSecretStatus.valueOf(rs.getString("status")), max,
              rs.getInt("uses"), rs.getInt("failures"), UNB64.decode(rs.getString("protected_secret_b64")),
              UNB64.decode(rs.getString("protection_iv_b64")), rs.getString("protection_key"),
              rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")),
              Instant.ofEpochMilli(rs.getLong("expires_at")), Jdbc.optionalInstant(rs, "last_used_at")));
        }
      }
      return found;
    }
  }
}
