package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open EncryptedPOP challenges: kept across a reopen, taken at most once even by concurrent answers. */
class JdbcPendingPopStoreTest {

  @TempDir
  Path dir;

  private static PendingPop pending(long requestId) {
    return new PendingPop(requestId, "DOGTAG", 1, new byte[] {(byte) 0xa1, 0, 1}, new CertificateId("CN=CA",
        BigInteger.valueOf(77)), new byte[] {1, 2, 3}, new byte[12], "pop-protection",
        Instant.parse("2026-06-01T12:00:00Z"), Instant.parse("2026-06-01T13:00:00Z"));
  }

  private static long request(CaDatabase db) {
    return new JdbcRequestStore(db, Clock.systemUTC()).create(new NewRequest(RequestStatus.PENDING, "p", "UID=x",
        "UID=x", Optional.empty())).id();
  }

  @Test
  void savedChallenge_survivesAReopen_andIsTakenOnce() {
    long id;
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      id = request(db);
      new JdbcPendingPopStore(db).save(pending(id));
    }
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      JdbcPendingPopStore store = new JdbcPendingPopStore(db);
      PendingPop taken = store.take(id).orElseThrow();
      assertArrayEquals(pending(id).taggedRequest(), taken.taggedRequest());
      assertEquals(pending(id).signer(), taken.signer());
      assertEquals(pending(id).expiresAt(), taken.expiresAt());
      assertEquals(Optional.empty(), store.take(id));
    }
  }

  @Test
  void concurrentTakes_exactlyOneGetsTheChallenge() throws Exception {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      long id = request(db);
      JdbcPendingPopStore store = new JdbcPendingPopStore(db);
      store.save(pending(id));
      int threads = 8;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Optional<PendingPop>>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return store.take(id);
        }));
      }
      start.countDown();
      List<Boolean> got = Collections.synchronizedList(new ArrayList<>());
      for (Future<Optional<PendingPop>> f : results) {
        got.add(f.get().isPresent());
      }
      pool.shutdown();
      assertEquals(1, got.stream().filter(b -> b).count(), got.toString());
      assertTrue(store.take(id).isEmpty());
    }
  }
}
