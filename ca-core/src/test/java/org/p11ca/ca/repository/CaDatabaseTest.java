package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaDatabaseTest {

  @TempDir
  Path dir;

  @Test
  void openSqlite_emptyDirectory_createsFileAndAppliesMigrations() throws SQLException {
    try (CaDatabase db = CaDatabase.openSqlite(dir.resolve("data"))) {
      assertTrue(Files.isRegularFile(dir.resolve("data").resolve(CaDatabase.SQLITE_FILE)));
      assertEquals(List.of("agent_role", "archived_key", "cert_request", "certificate", "crl", "key_recovery",
          "key_recovery_approval", "pending_pop", "shared_secret"),
          userTables(db));
      assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), appliedVersions(db));
    }
  }

  @Test
  void openSqlite_onAFileThatIsNotADatabase_failsInOneLineNamingIt() throws Exception {
    Files.write(dir.resolve(CaDatabase.SQLITE_FILE), "this is not an SQLite database, just some text".repeat(100)
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    org.p11ca.ca.error.CaException e = org.junit.jupiter.api.Assertions.assertThrows(
        org.p11ca.ca.error.CaException.class, () -> CaDatabase.openSqlite(dir));
    assertTrue(e.detail().contains(dir.resolve(CaDatabase.SQLITE_FILE).toString()), e.detail());
    assertTrue(e.detail().contains("not a database"), e.detail());
    org.junit.jupiter.api.Assertions.assertFalse(e.detail().contains("\n"), e.detail());
  }

  @Test
  void openSqlite_reopened_appliesNothingTwice() throws SQLException {
    CaDatabase.openSqlite(dir).close();
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), appliedVersions(db));
      assertEquals(List.of("agent_role", "archived_key", "cert_request", "certificate", "crl", "key_recovery",
          "key_recovery_approval", "pending_pop", "shared_secret"),
          userTables(db));
    }
  }

  @Test
  void schema10_dropsTheReservedTbsOfRowsThatHoldTheirCertificate_only() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve(CaDatabase.SQLITE_FILE).toAbsolutePath();
    Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("9").load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      String insert = "INSERT INTO certificate (serial_hex, status, profile_id, subject_dn, tbs_b64, der_b64,"
          + " reserved_at) VALUES ";
      s.executeUpdate(insert + "('a', 'ISSUED', 'p', 'CN=a', 'AQ==', 'MAMCAS0=', 1)");
      s.executeUpdate(insert + "('b', 'REVOKED', 'p', 'CN=b', 'Ag==', 'MAMCAS4=', 1)");
      s.executeUpdate(insert + "('c', 'RESERVED', 'p', 'CN=c', 'Aw==', NULL, 1)");
      s.executeUpdate(insert + "('d', 'REVOKED', 'p', 'CN=d', 'BA==', NULL, 1)");
    }
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      CertificateStore store = new JdbcCertificateStore(db, Clock.systemUTC());
      assertTrue(store.find(BigInteger.valueOf(0x0a)).orElseThrow().tbsCertificate().isEmpty());
      assertTrue(store.find(BigInteger.valueOf(0x0b)).orElseThrow().tbsCertificate().isEmpty());
      assertArrayEquals(new byte[] {0x30, 0x03, 0x02, 0x01, 0x2e},
          store.find(BigInteger.valueOf(0x0b)).orElseThrow().certificate().orElseThrow());
      // Reserved (and revoked while reserved): the TBS is all there is of what the token may have signed.
      assertArrayEquals(new byte[] {3}, store.find(BigInteger.valueOf(0x0c)).orElseThrow().tbsCertificate()
          .orElseThrow());
      assertArrayEquals(new byte[] {4}, store.find(BigInteger.valueOf(0x0d)).orElseThrow().tbsCertificate()
          .orElseThrow());
    }
  }

  @Test
  void openSqlite_connections_useWalFullSyncForeignKeysAndBusyTimeout() throws SQLException {
    try (CaDatabase db = CaDatabase.openSqlite(dir); Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertEquals("wal", pragma(s, "journal_mode"));
      assertEquals("2", pragma(s, "synchronous")); // 2 = FULL
      assertEquals("1", pragma(s, "foreign_keys"));
      assertEquals("10000", pragma(s, "busy_timeout"));
    }
  }

  private static String pragma(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static List<String> userTables(CaDatabase db) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
            + " AND name NOT LIKE 'sqlite_%' AND name <> 'flyway_schema_history' ORDER BY name")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  private static List<String> appliedVersions(CaDatabase db) throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success = 1"
            + " AND version IS NOT NULL ORDER BY installed_rank")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }
}
