package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.CorePreparedStatement;

class PreparedStatementCacheTest {

  private static final String SELECT = "SELECT v FROM t WHERE k = ?";

  @TempDir
  Path dir;

  private CaDatabase db;
  private final PreparedStatementCache cache = new PreparedStatementCache(SQLiteConnection.class);

  @BeforeEach
  void table() throws SQLException {
    db = CaDatabase.openSqlite(dir);
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
      s.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void sameSqlOnTheSameConnection_isCompiledOnce() throws SQLException {
    try (Connection c = db.dataSource().getConnection()) {
      CorePreparedStatement first;
      try (PreparedStatementCache.Lease lease = cache.lease(c)) {
        try (PreparedStatement ps = lease.connection().prepareStatement(SELECT)) {
          assertEquals("one", value(ps, 1));
          first = ps.unwrap(CorePreparedStatement.class);
        }
      }
      try (PreparedStatementCache.Lease lease = cache.lease(c)) {
        try (PreparedStatement ps = lease.connection().prepareStatement(SELECT)) {
          // Parameters were cleared and the statement reset: it runs again with new ones.
          assertEquals("two", value(ps, 2));
          assertSame(first, ps.unwrap(CorePreparedStatement.class));
        }
      }
      assertEquals(1, cache.cachedFor(c));
    }
  }

  @Test
  void closedHandle_refusesUse_andTheNextHandleWorks() throws SQLException {
    try (Connection c = db.dataSource().getConnection(); PreparedStatementCache.Lease lease = cache.lease(c)) {
      PreparedStatement ps = lease.connection().prepareStatement(SELECT);
      ps.close();
      assertTrue(ps.isClosed());
      assertThrows(SQLException.class, () -> ps.setInt(1, 1));
      try (PreparedStatement again = lease.connection().prepareStatement(SELECT)) {
        assertEquals("three", value(again, 3));
      }
    }
  }

  @Test
  void sameSqlInsideItsOwnResultLoop_getsAStatementOfItsOwn() throws SQLException {
    List<String> pairs = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection(); PreparedStatementCache.Lease lease = cache.lease(c)) {
      try (PreparedStatement outer = lease.connection().prepareStatement("SELECT k FROM t WHERE k >= ? ORDER BY k")) {
        outer.setInt(1, 1);
        try (ResultSet rs = outer.executeQuery()) {
          while (rs.next()) {
            int k = rs.getInt(1);
            try (PreparedStatement inner = lease.connection().prepareStatement(
                "SELECT k FROM t WHERE k >= ? ORDER BY k")) {
              assertNotSame(outer.unwrap(CorePreparedStatement.class), inner.unwrap(CorePreparedStatement.class));
              inner.setInt(1, 4 - k);
              try (ResultSet in = inner.executeQuery()) {
                in.next();
                pairs.add(k + "-" + in.getInt(1));
              }
            }
          }
        }
      }
      assertEquals(List.of("1-3", "2-2", "3-1"), pairs);
      assertEquals(1, cache.cachedFor(c));
    }
  }

  @Test
  void resultSetLeftOpen_isClosedWithTheLease() throws SQLException {
    ResultSet leftOpen;
    try (Connection c = db.dataSource().getConnection()) {
      try (PreparedStatementCache.Lease lease = cache.lease(c)) {
        PreparedStatement ps = lease.connection().prepareStatement(SELECT);
        ps.setInt(1, 1);
        leftOpen = ps.executeQuery();
        assertTrue(leftOpen.next());
        // Neither the result set nor the statement is closed by its user.
      }
      assertTrue(leftOpen.isClosed());
      try (PreparedStatementCache.Lease lease = cache.lease(c);
          PreparedStatement ps = lease.connection().prepareStatement(SELECT)) {
        assertEquals("two", value(ps, 2));
      }
    }
  }

  @Test
  void statementTheDriverClosedAfterAFailure_isPreparedAgain() throws SQLException {
    String insert = "INSERT INTO t (k, v) VALUES (?, ?)";
    try (Connection c = db.dataSource().getConnection(); PreparedStatementCache.Lease lease = cache.lease(c)) {
      try (PreparedStatement ps = lease.connection().prepareStatement(insert)) {
        ps.setInt(1, 1);
        ps.setString(2, "taken");
        assertThrows(SQLException.class, ps::executeUpdate);
      }
      try (PreparedStatement ps = lease.connection().prepareStatement(insert)) {
        ps.setInt(1, 4);
        ps.setString(2, "four");
        assertEquals(1, ps.executeUpdate());
      }
      try (PreparedStatement ps = lease.connection().prepareStatement(SELECT)) {
        assertEquals("four", value(ps, 4));
      }
    }
  }

  @Test
  void closedConnections_areForgottenWhenANewOneComes() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve(CaDatabase.SQLITE_FILE);
    try (Connection first = DriverManager.getConnection(url)) {
      try (PreparedStatementCache.Lease lease = cache.lease(first)) {
        lease.connection().prepareStatement(SELECT).close();
      }
      assertEquals(1, cache.connections());
    }
    try (Connection second = DriverManager.getConnection(url); PreparedStatementCache.Lease lease = cache.lease(second)) {
      assertEquals(1, cache.connections());
      assertEquals(0, cache.cachedFor(second));
    }
  }

  @Test
  void perConnectionCache_keepsTheMostRecentlyUsedOnly() throws SQLException {
    try (Connection c = db.dataSource().getConnection(); PreparedStatementCache.Lease lease = cache.lease(c)) {
      for (int i = 0; i < PreparedStatementCache.PER_CONNECTION + 10; i++) {
        try (PreparedStatement ps = lease.connection().prepareStatement("SELECT v FROM t WHERE k = ? + " + i)) {
          ps.setInt(1, 0);
          ps.executeQuery().close();
        }
      }
      assertEquals(PreparedStatementCache.PER_CONNECTION, cache.cachedFor(c));
    }
  }

  private static String value(PreparedStatement ps, int k) throws SQLException {
    ps.setInt(1, k);
    try (ResultSet rs = ps.executeQuery()) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }
}
