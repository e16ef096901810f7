package org.p11ca.bench.kra;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.p11ca.ca.kra.ArchivedKey;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.JdbcArchivedKeyStore;
import org.p11ca.ca.repository.JdbcRequestStore;
import org.p11ca.ca.repository.NewRequest;
import org.p11ca.ca.repository.RequestStatus;
import org.p11ca.ca.repository.RequestStore;

/**
 * The database half of an archival: {@link JdbcArchivedKeyStore#save}, the one write Enrollment adds for an
 * archived key (a transaction of its own, group-committed and fsync'd like every CaDatabase write), on a fresh
 * SQLite CaDatabase in the run's temporary directory, on the same disk as the server's would be.
 *
 * <p>An archived_key row references its cert_request row and a request archives one key, so each timed save needs
 * a request row of its own. They are made before timing, through RequestStore.create as Enrollment makes them, as
 * many as a short untimed calibration says the timed saves can use, with a margin; a save that finds none left
 * fails its trial rather than time anything else.
 */
final class ArchivedKeySaves implements AutoCloseable {

  static final String SAVE = "save-archived-key-sqlite";
  static final String DESCRIPTION = "JdbcArchivedKeyStore.save: one INSERT INTO archived_key in a write transaction"
      + " of its own (group-committed, synchronous=FULL: an fsync per commit)";

  /** Saves per thread in one round of the untimed calibration that sizes the pool of request rows. */
  private static final int CALIBRATION_SAVES_PER_THREAD = 500;
  private static final int CALIBRATION_ROUNDS_MIN = 2;
  private static final int CALIBRATION_ROUNDS_MAX = 6;
  /**
   * Rows made for the timed saves: this many times what the calibrated rate needs. The warm calibration came
   * within 15% of the timed rate in trial runs; every row costs setup time (a fast disk needs hundreds of thousands).
   */
  static final int MARGIN = 2;
  /** Threads creating request rows: their writes are group-committed, up to this many per fsync (MAX_BATCH). */
  private static final int ROW_CREATORS = 64;

  private final CaDatabase db;
  private final RequestStore requests;
  private final JdbcArchivedKeyStore store;
  private final ArchivedKey key;
  private long[] rows = new long[0];
  private final AtomicInteger nextRow = new AtomicInteger();

  ArchivedKeySaves(Path dataDir, ArchivedKey key, Clock clock) {
    this.db = CaDatabase.openSqlite(dataDir);
    this.requests = new JdbcRequestStore(db, clock);
    this.store = new JdbcArchivedKeyStore(db, clock);
    this.key = key;
  }

  /** The saved row reads back as the key that was saved. */
  void check() {
    long id = createRows(1)[0];
    store.save(id, key);
    Optional<ArchivedKey> back = store.findByRequest(id);
    if (back.isEmpty() || !back.get().publicKey().equals(key.publicKey())
        || !back.get().storageKey().equals(key.storageKey())
        || !back.get().wrapped().mechanism().getClass().equals(key.wrapped().mechanism().getClass())
        || !Arrays.equals(back.get().wrapped().bytes(), key.wrapped().bytes())) {
      throw new KraOperation.WrongResult("the archived key saved for request " + id + " does not read back as saved");
    }
  }

  /**
   * Times rounds of saves on {@code threads} threads (untimed for the results) until the rate stops rising, then
   * makes enough request rows for {@code trials} trials of {@code perTrial} each at the best rate, times
   * {@link #MARGIN}. Rounds, not one: the first saves run interpreted, several times slower than warm ones.
   *
   * @return the calibrated saves per second
   */
  double prepareRows(int threads, int trials, Duration perTrial) {
    double best = 0;
    for (int round = 0; round < CALIBRATION_ROUNDS_MAX; round++) {
      double rate = calibrationRound(threads);
      if (round >= CALIBRATION_ROUNDS_MIN && rate < best * 1.1) {
        best = Math.max(best, rate);
        break;
      }
      best = Math.max(best, rate);
    }
    int needed = (int) Math.min(Integer.MAX_VALUE - 1L,
        (long) Math.ceil(best * trials * perTrial.toMillis() / 1000.0 * MARGIN) + 100);
    rows = createRows(needed);
    nextRow.set(0);
    return best;
  }

  private double calibrationRound(int threads) {
    rows = createRows(threads * CALIBRATION_SAVES_PER_THREAD);
    nextRow.set(0);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < CALIBRATION_SAVES_PER_THREAD; i++) {
            saveNext();
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return threads * CALIBRATION_SAVES_PER_THREAD / ((System.nanoTime() - start) / 1e9);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calibrating database saves");
    } finally {
      pool.shutdownNow();
    }
  }

  KraOperation operation() {
    return new KraOperation(SAVE, DESCRIPTION, this::check, this::saveNext);
  }

  int rowsMade() {
    return rows.length;
  }

  int rowsUsed() {
    return Math.min(nextRow.get(), rows.length);
  }

  private void saveNext() {
    int i = nextRow.getAndIncrement();
    if (i >= rows.length) {
      throw new IllegalStateException("all " + rows.length + " request rows made for the timed saves are used:"
          + " the saves ran faster than the calibration said");
    }
    store.save(rows[i], key);
  }

  /** Request rows as Enrollment records a request, made by many threads so their commits are grouped. */
  private long[] createRows(int n) {
    NewRequest request = new NewRequest(RequestStatus.PENDING, "bench-kra", "CN=bench kra subscriber",
        "CN=bench kra signer", Optional.empty());
    long[] ids = new long[n];
    AtomicInteger next = new AtomicInteger();
    int creators = Math.min(ROW_CREATORS, n);
    ExecutorService pool = Executors.newFixedThreadPool(creators);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < creators; t++) {
        done.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            ids[i] = requests.create(request).id();
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return ids;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making request rows");
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
