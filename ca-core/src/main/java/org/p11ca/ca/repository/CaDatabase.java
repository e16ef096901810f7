package org.p11ca.ca.repository;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
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
 * <p>SQLite allows one writer per file. Writes are therefore serialized in this process (so they queue here instead
 * of spinning on SQLITE_BUSY) and group-committed: the writes waiting while one commit syncs go into the next
 * transaction together ({@link #write}). Transactions run as BEGIN IMMEDIATE (the write lock is taken at the start,
 * so a transaction never fails half-way trying to upgrade from reader to writer), and busy_timeout covers another
 * process holding the file. WAL lets the pool's connections read while the writer's connection writes.
 */
public final class CaDatabase implements AutoCloseable {

  /** The file inside the data directory. */
  public static final String SQLITE_FILE = "ca.sqlite";

  /** Connections for reads; writes have one of their own, since SQLite allows one writer anyway. */
  private static final int POOL_SIZE = 4;

  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  /** Units of work per commit, at most: bounds one transaction's size (and the WAL growth of one commit). */
  static final int MAX_BATCH = 64;

  private final HikariDataSource pool;
  /** The one connection writes run on; see {@link #openSqlite}. */
  private final HikariDataSource writer;
  private final PreparedStatementCache statements = new PreparedStatementCache(org.sqlite.SQLiteConnection.class);
  /** Guards {@link #waiting} and {@link #committing}; never held while SQL runs. */
  private final ReentrantLock queue = new ReentrantLock();
  private final ArrayDeque<PendingWrite<?>> waiting = new ArrayDeque<>();
  /** True while a leader runs a batch: at most one transaction writes at a time, as SQLite allows. */
  private boolean committing;
  private final ThreadLocal<Boolean> insideWrite = new ThreadLocal<>();

  private CaDatabase(HikariDataSource pool, HikariDataSource writer) {
    this.pool = pool;
    this.writer = writer;
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
    Path file = dataDir.resolve(SQLITE_FILE).toAbsolutePath();
    sqlite.setUrl("jdbc:sqlite:" + file);

    HikariDataSource pool;
    try {
      pool = pool(sqlite, "p11ca-db", POOL_SIZE);
    } catch (RuntimeException e) {
      // The pool opens its first connection now: a file that is not a database, or one this user cannot write.
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot open the CA database " + file + ": "
          + rootMessage(e), e);
    }
    try {
      migrate(pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    // Writes always run on the same connection. SQLite keeps a connection's page cache only while no other
    // connection has written to the file since its last transaction; with writes spread over the pool, every batch
    // found its cache stale and read each page it touched again (the B-tree paths of two tables and five indexes
    // per issuance), inside the one transaction everybody else waits for.
    try {
      return new CaDatabase(pool, pool(sqlite, "p11ca-db-writer", 1));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static HikariDataSource pool(SQLiteDataSource sqlite, String name, int size) {
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(sqlite);
    hikari.setPoolName(name);
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(1);
    hikari.setAutoCommit(true);
    return new HikariDataSource(hikari);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
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
    try (Connection c = pool.getConnection(); PreparedStatementCache.Lease lease = statements.lease(c)) {
      return work.run(lease.connection());
    } catch (SQLException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, what + ": " + e.getMessage(), e);
    }
  }

  /** How soon a write must be on disk. */
  public enum Durability {
    /** On disk before {@link #write} returns: the commit syncs the WAL (synchronous=FULL). */
    SYNCED,
    /**
     * Committed, and seen by every later transaction, before {@link #write} returns, but on disk only with the next
     * SYNCED commit or checkpoint (that commit is synchronous=NORMAL when its batch holds nothing else; the WAL is
     * appended in order, so syncing a later commit syncs this one too). For rows that matter only when a later
     * SYNCED write follows them: the reservation made before the token signs, since nothing signed leaves the CA
     * before the SYNCED write that records it issued.
     */
    DEFERRED
  }

  /** {@link #write(Durability, String, SqlWork)} with {@link Durability#SYNCED}. */
  public <T> T write(String what, SqlWork<T> work) {
    return write(Durability.SYNCED, what, work);
  }

  /**
   * Runs {@code work} in a write transaction, committed (and, when {@code durability} is SYNCED, synced) before
   * this returns; its changes are undone if it throws. Work that hits an expected constraint violation may call
   * {@link Connection#rollback()}, which undoes that work's own changes only, and return normally.
   *
   * <p>Group commit: writes that arrive while a commit is under way wait, and the next one to run takes all of
   * them into one transaction with one commit, so N concurrent writers pay for one fsync instead of N. Each runs
   * inside a savepoint of its own: one that fails is rolled back to its savepoint and gets its own exception, and
   * the others' work commits as if it had run alone. Every SYNCED caller returns only after the commit that holds its
   * work is on disk; if that commit fails, every caller in it gets the failure and nothing of the batch is kept.
   *
   * <p>A batch is synced when any of its writes is SYNCED, so a DEFERRED write that shares a commit with a SYNCED
   * one is synced with it.
   *
   * @throws IllegalStateException when called from inside another write's work (it would wait for itself)
   */
  public <T> T write(Durability durability, String what, SqlWork<T> work) {
    if (Boolean.TRUE.equals(insideWrite.get())) {
      throw new IllegalStateException(what + ": a write cannot run inside another write's work");
    }
    PendingWrite<T> pending = new PendingWrite<>(Objects.requireNonNull(durability), what, work,
        queue.newCondition());
    queue.lock();
    try {
      waiting.add(pending);
      while (!pending.done) {
        if (committing) {
          // Woken when its batch is done, or when it is first in line to lead the next one: a thread whose work
          // the next leader will take anyway is not woken only to wait again.
          pending.wake.awaitUninterruptibly();
          continue;
        }
        committing = true;
        List<PendingWrite<?>> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
        while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
          batch.add(waiting.poll());
        }
        queue.unlock();
        try {
          runBatch(batch);
        } finally {
          queue.lock();
          // Published under the lock, so a waiter that sees done also sees the outcome.
          batch.forEach(w -> {
            w.done = true;
            w.wake.signal();
          });
          committing = false;
          PendingWrite<?> nextLeader = waiting.peek();
          if (nextLeader != null) {
            nextLeader.wake.signal();
          }
        }
      }
    } finally {
      queue.unlock();
    }
    return pending.result();
  }

  /** One caller's unit of work and, once its batch has committed (or failed), its outcome. */
  private static final class PendingWrite<T> {
    final Durability durability;
    final String what;
    final SqlWork<T> work;
    /** Signalled (under the queue lock) when this work is done or its thread should lead the next batch. */
    final Condition wake;
    boolean done;
    /** Set only after the commit that holds this work's changes returned. */
    boolean committed;
    T value;
    RuntimeException failure;

    PendingWrite(Durability durability, String what, SqlWork<T> work, Condition wake) {
      this.durability = durability;
      this.what = what;
      this.work = work;
      this.wake = wake;
    }

    void run(Connection c) throws SQLException {
      value = work.run(c);
    }

    void fail(Exception e) {
      failure = e instanceof RuntimeException r ? r
          : new CaException(FailInfo.INTERNAL_CA_ERROR, what + ": " + e.getMessage(), e);
    }

    T result() {
      if (failure != null) {
        throw failure;
      }
      if (!committed) {
        throw new CaException(FailInfo.INTERNAL_CA_ERROR, what + ": the transaction holding it did not commit");
      }
      return value;
    }
  }

  /**
   * One transaction for the whole batch, a savepoint per unit of work, one commit. Runs on the leader's thread
   * with no other batch running (the committing flag), so the pooled connection it takes is SQLite's one writer.
   * A work that fails gets its own exception; a failing commit (or connection) fails every work of the batch, and
   * anything else, even an Error, leaves them uncommitted, which {@link PendingWrite#result} reports.
   */
  private void runBatch(List<PendingWrite<?>> batch) {
    List<PendingWrite<?>> succeeded = new ArrayList<>(batch.size());
    insideWrite.set(Boolean.TRUE);
    boolean synced = batch.stream().anyMatch(w -> w.durability == Durability.SYNCED);
    try (Connection c = writer.getConnection(); PreparedStatementCache.Lease lease = statements.lease(c)) {
      // Set on every batch, not restored afterwards: the next batch sets its own.
      try (Statement s = c.createStatement()) {
        s.execute(synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
      }
      c.setAutoCommit(false);
      try {
        for (PendingWrite<?> w : batch) {
          Savepoint savepoint = c.setSavepoint();
          try {
            w.run(SavepointScopedConnection.of(lease.connection(), savepoint));
            c.releaseSavepoint(savepoint);
            succeeded.add(w);
          } catch (SQLException | RuntimeException e) {
            // Undo this work's changes only; the batch's other work stays.
            c.rollback(savepoint);
            c.releaseSavepoint(savepoint);
            w.fail(e);
          }
        }
        c.commit();
        succeeded.forEach(w -> w.committed = true);
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        failAll(batch, new CaException(FailInfo.INTERNAL_CA_ERROR, "committing " + describe(batch) + ": "
            + e.getMessage(), e));
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      // Getting or resetting the connection failed. Resetting fails only after the commit or rollback above,
      // so work already committed keeps its result.
      failAll(batch, new CaException(FailInfo.INTERNAL_CA_ERROR, describe(batch) + ": " + e.getMessage(), e));
    } finally {
      insideWrite.remove();
    }
  }

  /** Fails every work of the batch that did not commit and has no failure of its own yet. */
  private static void failAll(List<PendingWrite<?>> batch, CaException failure) {
    for (PendingWrite<?> w : batch) {
      if (!w.committed && w.failure == null) {
        w.failure = failure;
      }
    }
  }

  /**
   * The connection a unit of work sees inside a batch: {@link Connection#rollback()} undoes that work's changes
   * only (to its savepoint: JdbcCertificateStore rolls back a unique violation, which PostgreSQL requires before
   * the transaction can go on), and the transaction's own commit and autocommit belong to the batch, not to it.
   */
  private static final class SavepointScopedConnection implements InvocationHandler {
    private final Connection connection;
    private final Savepoint savepoint;

    private SavepointScopedConnection(Connection connection, Savepoint savepoint) {
      this.connection = connection;
      this.savepoint = savepoint;
    }

    static Connection of(Connection connection, Savepoint savepoint) {
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, new SavepointScopedConnection(connection, savepoint));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      boolean noArgs = args == null || args.length == 0;
      switch (method.getName()) {
        case "rollback" -> {
          if (noArgs) {
            connection.rollback(savepoint);
            return null;
          }
        }
        case "commit", "setAutoCommit" -> throw new SQLException(method.getName()
            + " inside CaDatabase.write: the batch's transaction commits after the work returns");
        case "close" -> {
          return null;
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "savepoint-scoped " + connection;
        }
        default -> {
        }
      }
      try {
        return method.invoke(connection, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static String describe(List<PendingWrite<?>> batch) {
    return batch.size() == 1 ? batch.get(0).what
        : batch.get(0).what + " (with " + (batch.size() - 1) + " other writes in the same commit)";
  }

  /** For tests: writes waiting for the running commit to finish. */
  int queuedWrites() {
    queue.lock();
    try {
      return waiting.size();
    } finally {
      queue.unlock();
    }
  }

  /** For tests that inspect the file's settings. */
  DataSource dataSource() {
    return pool;
  }

  @Override
  public void close() {
    try {
      writer.close();
    } finally {
      pool.close();
    }
  }
}
