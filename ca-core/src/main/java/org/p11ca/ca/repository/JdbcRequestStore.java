package org.p11ca.ca.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** {@link RequestStore} on the {@code cert_request} table. */
public final class JdbcRequestStore implements RequestStore {

  private final CaDatabase db;
  private final Clock clock;

  public JdbcRequestStore(CaDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public RequestRecord create(NewRequest r) {
    return db.write("recording a request", c -> select(c, insert(c, r, clock.millis())).orElseThrow());
  }

  /**
   * Inserts {@code r} under a new id inside the caller's write transaction, and returns the id. Shared with
   * {@link JdbcCertificateStore}, which records a request and its serial reservation in one transaction.
   */
  static long insert(Connection c, NewRequest r, long now) throws SQLException {
    // The id is drawn inside the write transaction, which writes are serialized into, so MAX + 1 cannot be taken
    // twice; the primary key would refuse it if it were. This keeps the schema free of AUTOINCREMENT / SERIAL.
    long id;
    try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(request_id), 0) + 1 FROM cert_request");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO cert_request (request_id, status, profile_id,"
        + " subject_dn, requester, transaction_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, r.status().name());
      ps.setString(3, r.profileId());
      ps.setString(4, r.subjectDn());
      ps.setString(5, r.requester());
      if (r.transactionId().isPresent()) {
        ps.setString(6, r.transactionId().get());
      } else {
        ps.setNull(6, Types.VARCHAR);
      }
      ps.setLong(7, now);
      ps.setLong(8, now);
      ps.executeUpdate();
    }
    return id;
  }

  /** Sets a request's status inside the caller's write transaction; false when there is no such request. */
  static boolean setStatus(Connection c, long requestId, RequestStatus status, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE cert_request SET status = ?, updated_at = ? WHERE request_id = ?")) {
      ps.setString(1, status.name());
      ps.setLong(2, now);
      ps.setLong(3, requestId);
      return ps.executeUpdate() == 1;
    }
  }

  @Override
  public Optional<RequestRecord> updateStatus(long requestId, RequestStatus status) {
    Objects.requireNonNull(status);
    return db.write("updating request " + requestId,
        c -> setStatus(c, requestId, status, clock.millis()) ? select(c, requestId) : Optional.<RequestRecord>empty());
  }

  @Override
  public Optional<RequestRecord> find(long requestId) {
    return db.read("reading request " + requestId, c -> select(c, requestId));
  }

  private static Optional<RequestRecord> select(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT request_id, status, profile_id, subject_dn, requester,"
        + " transaction_id, created_at, updated_at FROM cert_request WHERE request_id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new RequestRecord(
            rs.getLong("request_id"),
            RequestStatus.valueOf(rs.getString("status")),
            rs.getString("profile_id"),
            rs.getString("subject_dn"),
            rs.getString("requester"),
            Jdbc.optionalString(rs, "transaction_id"),
            Instant.ofEpochMilli(rs.getLong("created_at")),
            Instant.ofEpochMilli(rs.getLong("updated_at"))));
      }
    }
  }
}
