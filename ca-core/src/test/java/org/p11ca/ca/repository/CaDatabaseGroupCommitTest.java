package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.error.CaException;

/**
 * Group commit in {@link CaDatabase#write}: writes that wait while a commit runs share the next transaction, each
 * in a savepoint, so one that fails (or rolls itself back) costs the others nothing.
 */
class CaDatabaseGroupCommitTest {

  @TempDir
  Path dir;
  CaDatabase db;
  ExecutorService threads;

  @BeforeEach
  void open() {
    db = CaDatabase.openSqlite(dir);
    db.write("creating a scratch table", c -> {
      try (PreparedStatement ps = c.prepareStatement("CREATE TABLE scratch (name TEXT PRIMARY KEY)")) {
        ps.executeUpdate();
      }
      return null;
    });
    threads = Executors.newCachedThreadPool();
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    db.close();
  }

  @Test
  void write_concurrentWritersWhileACommitRuns_shareOneTransactionOnOneThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<?> blocker = leadingBlocker(CaDatabase.Durability.SYNCED, release, "blocker");
    Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
    List<Future<String>> waiting = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      waiting.add(threads.submit(() -> db.write("insert " + name, c -> {
        ranOn.add(Thread.currentThread());
        insert(c, name);
        return name;
      })));
    }
    awaitQueued(3);
    release.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    for (int i = 0; i < waiting.size(); i++) {
      assertEquals(List.of("a", "b", "c").get(i), waiting.get(i).get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, ranOn.size(), "the three waiting writes ran in one batch, on its leader's thread");
    assertEquals(List.of("a", "b", "blocker", "c"), names());
  }

  @Test
  void write_moreWaitingThanOneBatchHolds_theRestLeadTheNextBatchAndAllCommit() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<?> blocker = leadingBlocker(CaDatabase.Durability.SYNCED, release, "blocker");
    int writers = CaDatabase.MAX_BATCH + 10;
    Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
    List<Future<String>> waiting = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      String name = String.format("w%03d", i);
      waiting.add(threads.submit(() -> db.write("insert " + name, c -> {
        ranOn.add(Thread.currentThread());
        insert(c, name);
        return name;
      })));
      // One at a time, so the queue's order is the loop's.
      awaitQueued(i + 1);
    }
    release.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    for (Future<String> w : waiting) {
      w.get(10, TimeUnit.SECONDS);
    }
    assertEquals(2, ranOn.size(), "a full batch on the first waiter's thread, the rest on the first left over");
    assertEquals(writers + 1, names().size());
    assertEquals(0, db.queuedWrites());
  }

  @Test
  void write_deferredAlone_commitsWithoutSyncingTheWal_andEveryLaterTransactionSeesIt() {
    String level = db.write(CaDatabase.Durability.DEFERRED, "insert d", c -> {
      insert(c, "d");
      return synchronousLevel(c);
    });
    assertEquals("1", level, "a batch of DEFERRED writes only commits with synchronous=NORMAL");
    assertEquals(List.of("d"), names());
    assertEquals("2", db.write("a synced write", CaDatabaseGroupCommitTest::synchronousLevel),
        "the next SYNCED batch commits with synchronous=FULL again, on whichever pooled connection it gets");
  }

  @Test
  void write_deferredSharingABatchWithASyncedWrite_isSyncedWithIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<?> blocker = leadingBlocker(CaDatabase.Durability.DEFERRED, release);
    Future<String> deferred = threads.submit(() -> db.write(CaDatabase.Durability.DEFERRED, "insert a", c -> {
      insert(c, "a");
      return synchronousLevel(c);
    }));
    awaitQueued(1);
    Future<String> synced = threads.submit(() -> db.write("insert b", c -> {
      insert(c, "b");
      return synchronousLevel(c);
    }));
    awaitQueued(2);
    release.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    assertEquals("2", deferred.get(10, TimeUnit.SECONDS));
    assertEquals("2", synced.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("a", "b"), names());
  }

  private static String synchronousLevel(java.sql.Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("PRAGMA synchronous"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void write_oneWorkOfABatchThrows_othersCommitAndOnlyItFails() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<?> blocker = leadingBlocker(CaDatabase.Durability.SYNCED, release);
    Future<String> first = threads.submit(() -> db.write("insert a", c -> {
      insert(c, "a");
      return "a";
    }));
    awaitQueued(1);
    IllegalStateException boom = new IllegalStateException("boom");
    Future<String> failing = threads.submit(() -> db.write("insert b, then fail", c -> {
      insert(c, "b");
      throw boom;
    }));
    awaitQueued(2);
    Future<String> last = threads.submit(() -> db.write("insert c", c -> {
      insert(c, "c");
      return "c";
    }));
    awaitQueued(3);
    release.countDown();
    blocker.get(10, TimeUnit.SECONDS);

    assertEquals("a", first.get(10, TimeUnit.SECONDS));
    assertEquals("c", last.get(10, TimeUnit.SECONDS));
    ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
    assertSame(boom, e.getCause(), "the failing work gets its own exception");
    assertEquals(List.of("a", "c"), names(), "b's insert is undone, a's and c's are kept");
  }

  @Test
  void write_workRollsBackAfterUniqueViolation_undoesOnlyItsOwnChanges() throws Exception {
    db.write("insert taken", c -> insert(c, "taken"));
    CountDownLatch release = new CountDownLatch(1);
    Future<?> blocker = leadingBlocker(CaDatabase.Durability.SYNCED, release);
    Future<Boolean> duplicate = threads.submit(() -> db.write("insert own, then a duplicate", c -> {
      insert(c, "own");
      try {
        insert(c, "taken");
        return true;
      } catch (SQLException unique) {
        assertTrue(SqlErrors.isUniqueViolation(unique));
        // As JdbcCertificateStore.reserve does: roll back and report "not reserved".
        c.rollback();
        return false;
      }
    }));
    awaitQueued(1);
    Future<Boolean> other = threads.submit(() -> db.write("insert other", c -> insert(c, "other")));
    awaitQueued(2);
    release.countDown();
    blocker.get(10, TimeUnit.SECONDS);

    assertFalse(duplicate.get(10, TimeUnit.SECONDS));
    assertTrue(other.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("other", "taken"), names(), "the rollback took back 'own' only, not 'other'");
  }

  @Test
  void write_sqlExceptionInWork_isACaExceptionNamingTheWrite() {
    CaException e = assertThrows(CaException.class, () -> db.write("inserting into a missing table", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO missing (x) VALUES (1)")) {
        return ps.executeUpdate();
      }
    }));
    assertTrue(e.detail().startsWith("inserting into a missing table: "), e.detail());
  }

  @Test
  void write_insideAnotherWrite_isRefusedInsteadOfWaitingForItself() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.write("outer",
        c -> db.write("inner", inner -> null)));
    assertTrue(e.getMessage().startsWith("inner: "), e.getMessage());
  }

  @Test
  void write_fromManyThreadsBetweenReads_alwaysRunsOnOneConnection_whichNoReadUses() throws Exception {
    Set<Object> writtenOn = ConcurrentHashMap.newKeySet();
    Set<Object> readOn = ConcurrentHashMap.newKeySet();
    List<Future<?>> writers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String name = "m" + i;
      writers.add(threads.submit(() -> {
        db.write("insert " + name, c -> {
          writtenOn.add(c.unwrap(org.sqlite.SQLiteConnection.class));
          return insert(c, name);
        });
        db.read("reading back " + name, c -> readOn.add(c.unwrap(org.sqlite.SQLiteConnection.class)));
      }));
    }
    for (Future<?> w : writers) {
      w.get(10, TimeUnit.SECONDS);
    }
    assertEquals(40, names().size());
    // SQLite drops a connection's page cache whenever another connection wrote since its last transaction; one
    // writing connection keeps its cache across batches.
    assertEquals(1, writtenOn.size(), "every write ran on the same connection");
    assertFalse(readOn.isEmpty());
    readOn.retainAll(writtenOn);
    assertTrue(readOn.isEmpty(), "reads run on the pool, not on the writer's connection");
  }

  @Test
  void read_whileAWriteTransactionIsOpen_runsWithoutWaitingForIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<?> blocker = leadingBlocker(CaDatabase.Durability.SYNCED, release, "uncommitted");
    try {
      assertEquals(List.of(), threads.submit(this::names).get(10, TimeUnit.SECONDS),
          "a read sees the last commit, not the open transaction, and does not wait for it");
    } finally {
      release.countDown();
    }
    blocker.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("uncommitted"), names());
  }

  @Test
  void write_commitThenReadOnAnotherConnection_seesTheRow() {
    db.write("insert durable", c -> insert(c, "durable"));
    assertEquals(List.of("durable"), names());
  }

  private static boolean insert(java.sql.Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO scratch (name) VALUES (?)")) {
      ps.setString(1, name);
      return ps.executeUpdate() == 1;
    }
  }

  private List<String> names() {
    return db.read("listing", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM scratch ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    });
  }

  /**
   * A write that inserts {@code inserts} and holds its batch's transaction open until {@code release}; returns once
   * it runs, so it is the batch that runs first (otherwise a later writer could lead a batch of its own).
   */
  private Future<?> leadingBlocker(CaDatabase.Durability durability, CountDownLatch release, String... inserts) {
    CountDownLatch leading = new CountDownLatch(1);
    Future<?> blocker = threads.submit(() -> db.write(durability, "blocker", c -> {
      for (String name : inserts) {
        insert(c, name);
      }
      leading.countDown();
      await(release);
      return null;
    }));
    await(leading);
    return blocker;
  }

  private void awaitQueued(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (db.queuedWrites() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + db.queuedWrites() + " of " + n + " writes queued");
      }
      Thread.sleep(5);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
