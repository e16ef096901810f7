package org.p11ca.ca.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/** {@link PendingPopStore} on the {@code pending_pop} table. */
public final class JdbcPendingPopStore implements PendingPopStore {

  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder UNB64 = Base64.getDecoder();

  private final CaDatabase db;

  public JdbcPendingPopStore(CaDatabase db) {
    this.db = Objects.requireNonNull(db);
  }

  @Override
  public void save(PendingPop p) {
    db.write("recording the EncryptedPOP challenge of request " + p.requestId(), c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO pending_pop (request_id, format, body_part_id,"
          + " tagged_request_b64, signer_issuer_dn, signer_serial_hex, protected_challenge_b64, protection_iv_b64,"
          + " protection_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, p.requestId());
        ps.setString(2, p.format());
        ps.setInt(3, p.bodyPartId());
        ps.setString(4, B64.encodeToString(p.taggedRequest()));
        ps.setString(5, p.signer().issuerDn());
        ps.setString(6, SerialHex.of(p.signer().serial()));
        ps.setString(7, B64.encodeToString(p.protectedChallenge()));
        ps.setString(8, B64.encodeToString(p.protectionIv()));
        ps.setString(9, p.protectionKey());
        ps.setLong(10, p.createdAt().toEpochMilli());
        ps.setLong(11, p.expiresAt().toEpochMilli());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<PendingPop> take(long requestId) {
    return db.write("taking the EncryptedPOP challenge of request " + requestId, c -> {
      Optional<PendingPop> found = select(c, requestId);
      if (found.isPresent()) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_pop WHERE request_id = ?")) {
          ps.setLong(1, requestId);
          ps.executeUpdate();
        }
      }
      return found;
    });
  }

  private static Optional<PendingPop> select(Connection c, long requestId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT format, body_part_id, tagged_request_b64,"
        + " signer_issuer_dn, signer_serial_hex, protected_challenge_b64, protection_iv_b64, protection_key,"
        + " created_at, expires_at FROM pending_pop WHERE request_id = ?")) {
      ps.setLong(1, requestId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new PendingPop(requestId, rs.getString(1), rs.getInt(2), UNB64.decode(rs.getString(3)),
            new CertificateId(rs.getString(4), SerialHex.parse(rs.getString(5))), UNB64.decode(rs.getString(6)),
            UNB64.decode(rs.getString(7)), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)),
            Instant.ofEpochMilli(rs.getLong(10))));
      }
    }
  }
}
