package org.p11ca.bench.crl;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Instant;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.RevocationReason;

/**
 * Bench setup only: revoked certificate rows written straight into the {@code certificate} table in large
 * transactions. Going through CertificateStore.reserve and revoke would cost two fsync'd commits per row, hours for
 * 100k rows, and time nothing the CRL's cost depends on: the generator reads only serial, revocation date, reason
 * and invalidity date.
 */
final class RevokedRows {

  private static final int ROWS_PER_TRANSACTION = 10_000;
  /** A mix as a CA sees it: no reason, key compromise (with an invalidity date), superseded, cessation. */
  private static final RevocationReason[] REASONS = {RevocationReason.UNSPECIFIED, RevocationReason.KEY_COMPROMISE,
      RevocationReason.SUPERSEDED, RevocationReason.CESSATION_OF_OPERATION};

  private final CaDatabase db;
  private final SecureRandom random = new SecureRandom();
  private int inserted;

  RevokedRows(CaDatabase db) {
    this.db = db;
  }

  int inserted() {
    return inserted;
  }

  /** Adds rows until {@code total} are revoked. */
  void growTo(int total, Instant revokedAt) {
    while (inserted < total) {
      int batch = Math.min(ROWS_PER_TRANSACTION, total - inserted);
      db.write("inserting " + batch + " revoked bench rows", c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO certificate (serial_hex, status, profile_id,"
            + " subject_dn, tbs_b64, reserved_at, issued_at, revoked_at, revocation_reason, invalidity_date)"
            + " VALUES (?, 'REVOKED', 'bench', ?, '', ?, ?, ?, ?, ?)")) {
          for (int i = 0; i < batch; i++) {
            int n = inserted + i;
            // 127 random bits with the top one set: positive, no leading zero, as the CA's own serials.
            BigInteger serial = new BigInteger(126, random).setBit(126);
            RevocationReason reason = REASONS[n % REASONS.length];
            ps.setString(1, serial.toString(16));
            ps.setString(2, "CN=bench " + n + ",O=Example");
            ps.setLong(3, revokedAt.toEpochMilli());
            ps.setLong(4, revokedAt.toEpochMilli());
            ps.setLong(5, revokedAt.toEpochMilli());
            ps.setInt(6, reason.code());
            if (reason == RevocationReason.KEY_COMPROMISE) {
              ps.setLong(7, revokedAt.minusSeconds(86_400).toEpochMilli());
            } else {
              ps.setNull(7, java.sql.Types.BIGINT);
            }
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
      inserted += batch;
    }
  }
}
