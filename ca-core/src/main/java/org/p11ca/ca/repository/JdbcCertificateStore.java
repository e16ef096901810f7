package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** {@link CertificateStore} on the {@code certificate} table. */
public final class JdbcCertificateStore implements CertificateStore {

  private static final String COLUMNS = "serial_hex, status, request_id, profile_id, subject_dn, tbs_b64, der_b64,"
      + " not_before, not_after, reserved_at, issued_at, revoked_at, revocation_reason, invalidity_date";

  private final CaDatabase db;
  private final Clock clock;

  public JdbcCertificateStore(CaDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public boolean reserve(CertificateReservation r) {
    String serial = SerialHex.of(r.serial());
    return db.write(CaDatabase.Durability.DEFERRED, "reserving serial " + serial,
        c -> insertReserved(c, r, r.requestId(), clock.millis()));
  }

  @Override
  public Optional<Long> reserveForNewRequest(NewRequest request, CertificateReservation r) {
    if (r.requestId().isPresent()) {
      throw new IllegalArgumentException("a reservation for a new request cannot name request " + r.requestId().get());
    }
    String serial = SerialHex.of(r.serial());
    return db.write(CaDatabase.Durability.DEFERRED, "recording a request and reserving serial " + serial, c -> {
      long now = clock.millis();
      long requestId = JdbcRequestStore.insert(c, request, now);
      // A taken serial rolls back this work's request row as well (insertReserved rolls back to the savepoint).
      return insertReserved(c, r, Optional.of(requestId), now) ? Optional.of(requestId) : Optional.<Long>empty();
    });
  }

  /**
   * Inserts a RESERVED row inside the caller's write transaction; false (with this work rolled back) when the
   * serial is taken.
   */
  private static boolean insertReserved(Connection c, CertificateReservation r, Optional<Long> requestId, long now)
      throws SQLException {
    // No check-then-insert: the primary key decides, so two concurrent reservations cannot both succeed.
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO certificate (serial_hex, status, request_id,"
        + " profile_id, subject_dn, tbs_b64, reserved_at, spki_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, SerialHex.of(r.serial()));
      ps.setString(2, CertificateStatus.RESERVED.name());
      Jdbc.setOptionalLong(ps, 3, requestId);
      ps.setString(4, r.profileId());
      ps.setString(5, r.subjectDn());
      ps.setString(6, Base64.getEncoder().encodeToString(r.tbsCertificate()));
      ps.setLong(7, now);
      if (r.subjectKeyHash().isPresent()) {
        ps.setString(8, r.subjectKeyHash().get());
      } else {
        ps.setNull(8, java.sql.Types.VARCHAR);
      }
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (SqlErrors.isUniqueViolation(e)) {
        // Roll back here: PostgreSQL refuses to commit a transaction in which a statement failed.
        c.rollback();
        return false;
      }
      throw e;
    }
  }

  @Override
  public void markIssued(BigInteger serialNumber, byte[] certificateDer, Instant notBefore, Instant notAfter) {
    String serial = SerialHex.of(serialNumber);
    db.write("storing issued certificate " + serial, c -> {
      updateIssued(c, serial, certificateDer, notBefore, notAfter, clock.millis());
      return null;
    });
  }

  @Override
  public void markIssuedCompleting(BigInteger serialNumber, byte[] certificateDer, Instant notBefore,
      Instant notAfter, long requestId) {
    String serial = SerialHex.of(serialNumber);
    db.write("storing issued certificate " + serial + " and completing request " + requestId, c -> {
      long now = clock.millis();
      updateIssued(c, serial, certificateDer, notBefore, notAfter, now);
      if (!JdbcRequestStore.setStatus(c, requestId, RequestStatus.COMPLETE, now)) {
        // Thrown inside the work, so the certificate update above is rolled back with it.
        throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot complete request " + requestId
            + " for certificate " + serial + ": no such request");
      }
      return null;
    });
  }

  private static void updateIssued(Connection c, String serial, byte[] certificateDer, Instant notBefore,
      Instant notAfter, long now) throws SQLException {
    // The reserved TBS is dropped here: the certificate holds the same bytes (the issuer signs exactly what was
    // reserved), and keeping both doubled the row (schema 10).
    try (PreparedStatement ps = c.prepareStatement("UPDATE certificate SET status = ?, der_b64 = ?, tbs_b64 = '',"
        + " not_before = ?, not_after = ?, issued_at = ? WHERE serial_hex = ? AND status = ?")) {
      ps.setString(1, CertificateStatus.ISSUED.name());
      ps.setString(2, Base64.getEncoder().encodeToString(certificateDer));
      ps.setLong(3, notBefore.toEpochMilli());
      ps.setLong(4, notAfter.toEpochMilli());
      ps.setLong(5, now);
      ps.setString(6, serial);
      ps.setString(7, CertificateStatus.RESERVED.name());
      if (ps.executeUpdate() == 1) {
        return;
      }
    }
    String actual = select(c, serial).map(rec -> "it is " + rec.status()).orElse("it was never reserved");
    throw new CaException(FailInfo.INTERNAL_CA_ERROR,
        "cannot store certificate with serial " + serial + " as issued: " + actual);
  }

  @Override
  public Optional<CertificateRecord> find(BigInteger serial) {
    Optional<String> hex = SerialHex.lookup(serial);
    if (hex.isEmpty()) {
      return Optional.empty();
    }
    return db.read("reading certificate " + hex.get(), c -> select(c, hex.get()));
  }

  @Override
  public List<CertificateRecord> listByStatus(CertificateStatus status) {
    return db.read("listing " + status + " certificates", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM certificate WHERE status = ? ORDER BY reserved_at, serial_hex")) {
        ps.setString(1, status.name());
        List<CertificateRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(map(rs));
          }
        }
        return List.copyOf(out);
      }
    });
  }

  @Override
  public void forEachRevoked(Consumer<RevokedCertificate> visitor) {
    Objects.requireNonNull(visitor);
    db.read("reading the revoked certificates", c -> {
      // Stored serials are hex without leading zeros, so ordering by length, then text, is numeric order.
      try (PreparedStatement ps = c.prepareStatement("SELECT serial_hex, revoked_at, revocation_reason,"
          + " invalidity_date FROM certificate WHERE status = ? ORDER BY LENGTH(serial_hex), serial_hex")) {
        ps.setString(1, CertificateStatus.REVOKED.name());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            visitor.accept(new RevokedCertificate(SerialHex.parse(rs.getString("serial_hex")),
                new Revocation(RevocationReason.ofCode(rs.getInt("revocation_reason")),
                    Jdbc.optionalInstant(rs, "invalidity_date"), Instant.ofEpochMilli(rs.getLong("revoked_at")))));
          }
        }
      }
      return null;
    });
  }

  @Override
  public Optional<Instant> latestRevocation() {
    return db.read("reading the latest revocation", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT MAX(revoked_at) AS latest FROM certificate WHERE status = ?")) {
        ps.setString(1, CertificateStatus.REVOKED.name());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Jdbc.optionalInstant(rs, "latest") : Optional.<Instant>empty();
        }
      }
    });
  }

  @Override
  public KeyHistory keyHistory(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo key, String subjectDn) {
    String hash = SubjectKeyHash.of(key);
    Objects.requireNonNull(subjectDn);
    // Each query is one seek into certificate_by_key (spki_sha256, subject_dn, status), schema 8.
    return db.read("reading the history of a key", c -> {
      Optional<KeyHistory.Certified> otherSubject = firstCertified(c, "spki_sha256 = ? AND subject_dn < ?"
          + " AND status <> 'RESERVED'", hash, subjectDn);
      if (otherSubject.isEmpty()) {
        otherSubject = firstCertified(c, "spki_sha256 = ? AND subject_dn > ? AND status <> 'RESERVED'", hash,
            subjectDn);
      }
      Optional<KeyHistory.Certified> revoked = firstCertified(c, "spki_sha256 = ? AND subject_dn = ?"
          + " AND status = 'REVOKED'", hash, subjectDn);
      Optional<KeyHistory.Certified> issued = firstCertified(c, "spki_sha256 = ? AND subject_dn = ?"
          + " AND status = 'ISSUED'", hash, subjectDn);
      return new KeyHistory(otherSubject, revoked, issued);
    });
  }

  private static Optional<KeyHistory.Certified> firstCertified(java.sql.Connection c, String where, String hash,
      String subjectDn) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT serial_hex, subject_dn, status FROM certificate WHERE " + where + " LIMIT 1")) {
      ps.setString(1, hash);
      ps.setString(2, subjectDn);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new KeyHistory.Certified(SerialHex.parse(rs.getString("serial_hex")),
                rs.getString("subject_dn"), CertificateStatus.valueOf(rs.getString("status"))))
            : Optional.empty();
      }
    }
  }

  @Override
  public RevocationResult revoke(BigInteger serialNumber, RevocationReason reason, Optional<Instant> invalidityDate,
      Instant revokedAt) {
    String serial = SerialHex.of(serialNumber);
    Objects.requireNonNull(reason);
    Objects.requireNonNull(invalidityDate);
    Objects.requireNonNull(revokedAt);
    return db.write("revoking serial " + serial, c -> {
      Optional<CertificateRecord> current = select(c, serial);
      if (current.isEmpty()) {
        return new RevocationResult.UnknownSerial();
      }
      if (current.get().revocation().isPresent()) {
        return new RevocationResult.AlreadyRevoked(current.get().revocation().get());
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE certificate SET status = ?, revoked_at = ?,"
          + " revocation_reason = ?, invalidity_date = ? WHERE serial_hex = ? AND status <> ?")) {
        ps.setString(1, CertificateStatus.REVOKED.name());
        ps.setLong(2, revokedAt.toEpochMilli());
        ps.setInt(3, reason.code());
        Jdbc.setOptionalLong(ps, 4, invalidityDate.map(Instant::toEpochMilli));
        ps.setString(5, serial);
        ps.setString(6, CertificateStatus.REVOKED.name());
        ps.executeUpdate();
      }
      return new RevocationResult.Revoked(select(c, serial).orElseThrow());
    });
  }

  private static Optional<CertificateRecord> select(Connection c, String serial) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM certificate WHERE serial_hex = ?")) {
      ps.setString(1, serial);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(map(rs)) : Optional.empty();
      }
    }
  }

  private static CertificateRecord map(ResultSet rs) throws SQLException {
    Optional<Instant> revokedAt = Jdbc.optionalInstant(rs, "revoked_at");
    Optional<Revocation> revocation = revokedAt.isEmpty() ? Optional.empty()
        : Optional.of(new Revocation(RevocationReason.ofCode(rs.getInt("revocation_reason")),
            Jdbc.optionalInstant(rs, "invalidity_date"), revokedAt.get()));
    String der = rs.getString("der_b64");
    String tbs = rs.getString("tbs_b64");
    return new CertificateRecord(
        SerialHex.parse(rs.getString("serial_hex")),
        CertificateStatus.valueOf(rs.getString("status")),
        Jdbc.optionalLong(rs, "request_id"),
        rs.getString("profile_id"),
        rs.getString("subject_dn"),
        tbs.isEmpty() ? Optional.empty() : Optional.of(Base64.getDecoder().decode(tbs)),
        der == null ? Optional.empty() : Optional.of(Base64.getDecoder().decode(der)),
        Jdbc.optionalInstant(rs, "not_before"),
        Jdbc.optionalInstant(rs, "not_after"),
        Instant.ofEpochMilli(rs.getLong("reserved_at")),
        Jdbc.optionalInstant(rs, "issued_at"),
        revocation);
  }
}
