package org.p11ca.ca.repository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** {@link CrlStore} on the {@code crl} table. */
public final class JdbcCrlStore implements CrlStore {

  private final CaDatabase db;
  private final Clock clock;

  public JdbcCrlStore(CaDatabase db, Clock clock) {
    this.db = Objects.requireNonNull(db);
    this.clock = Objects.requireNonNull(clock);
  }

  @Override
  public long reserveNumber(Instant thisUpdate, Instant nextUpdate) {
    return db.write("reserving a CRL number", c -> {
      // Inside the serialized write transaction, so MAX + 1 cannot be taken twice.
      long number;
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(crl_number), 0) + 1 FROM crl");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        number = rs.getLong(1);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO crl (crl_number, this_update, next_update, reserved_at) VALUES (?, ?, ?, ?)")) {
        ps.setLong(1, number);
        ps.setLong(2, thisUpdate.toEpochMilli());
        ps.setLong(3, nextUpdate.toEpochMilli());
        ps.setLong(4, clock.millis());
        ps.executeUpdate();
      }
      return number;
    });
  }

  @Override
  public void store(long number, byte[] der) {
    db.write("storing CRL " + number, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE crl SET der_b64 = ? WHERE crl_number = ? AND der_b64 IS NULL")) {
        ps.setString(1, Base64.getEncoder().encodeToString(der));
        ps.setLong(2, number);
        if (ps.executeUpdate() != 1) {
          throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot store CRL " + number
              + ": the number was not reserved, or already has its CRL");
        }
      }
      // Only the latest CRL is ever served; keeping it keeps the highest number, which is all reserveNumber needs.
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM crl WHERE crl_number < ?")) {
        ps.setLong(1, number);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<StoredCrl> latest() {
    return db.read("reading the latest CRL", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT crl_number, this_update, next_update, der_b64"
          + " FROM crl WHERE der_b64 IS NOT NULL ORDER BY crl_number DESC LIMIT 1");
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new StoredCrl(rs.getLong("crl_number"), Instant.ofEpochMilli(rs.getLong("this_update")),
            Instant.ofEpochMilli(rs.getLong("next_update")), Base64.getDecoder().decode(rs.getString("der_b64"))));
      }
    });
  }
}
