package org.p11ca.ca.repository;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The CA's database: a pooled {@link DataSource}, migrated to the current schema on open, with reads run on any
 * pooled connection and writes serialized.
 *
 * <p>SQLite allows one writer per file. Writes are therefore serialized in this process by one lock (so they queue
 * here instead of spinning on SQLITE_BUSY), run as BEGIN IMMEDIATE (the write lock is taken at the start, so a
 * transaction never fails half-way trying to upgrade from reader to writer), and busy_timeout covers another process
 * holding the file. WAL lets the pool's other connections read while one writes.
 */
public final class CaDatabase implements AutoCloseable {

  /** The file inside the data directory. */
  public static final String SQLITE_FILE = "ca.sqlite";

  /** One writer plus readers; more connections would only wait on the single SQLite write lock. */
  private static final int POOL_SIZE = 4;

  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  private final HikariDataSource pool;
  private final ReentrantLock writeLock = new ReentrantLock(true);

  private CaDatabase(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * Opens (creating if needed) {@code dataDir/ca.sqlite} and applies pending migrations from
   * {@code classpath:db/migration}.
   */
  public static CaDatabase openSqlite(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot create data directory " + dataDir, e);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss or an OS crash. The CA promises
    // that a reserved serial, an issued certificate or a revocation is on disk before it answers, so every commit
    // syncs the WAL.
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource sqlite = new SQLiteDataSource(config);
    sqlite.setUrl("jdbc:sqlite:" + dataDir.resolve(SQLITE_FILE).toAbsolutePath());

    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(sqlite);
    hikari.setPoolName("p11ca-db");
    hikari.setMaximumPoolSize(POOL_SIZE);
    hikari.setMinimumIdle(1);
    hikari.setAutoCommit(true);
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      migrate(pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new CaDatabase(pool);
  }

  private static void migrate(DataSource dataSource) {
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "migrating the CA database failed: " + e.getMessage(), e);
    }
  }

  /** A unit of work on one connection. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs a read on a pooled connection in autocommit mode. */
  public <T> T read(String what, SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code work} in one write transaction, committed (and, with synchronous=FULL, synced) before this returns;
   * rolled back if it throws. Work that hits an expected constraint violation rolls back itself and returns normally.
   */
  public <T> T write(String what, SqlWork<T> work) {
    writeLock.lock();
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, what + ": " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  /** For tests that inspect the file's settings. */
  DataSource dataSource() {
    return pool;
  }

  @Override
  public void close() {
    pool.close();
  }
}
