package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcKeyRecoveryStore}: ids, one approval per agent, the move to APPROVED, and a release that happens once. */
class KeyRecoveryStoreTest {

  static final String ISSUER = "CN=p11ca Test CA,O=Example";
  static final CertificateId ALICE = new CertificateId(ISSUER, BigInteger.valueOf(0xa1));
  static final CertificateId ALICE_SECOND_CERT = new CertificateId(ISSUER, BigInteger.valueOf(0xa2));
  static final CertificateId BOB = new CertificateId(ISSUER, BigInteger.valueOf(0xb1));
  static final java.time.Instant NOW = java.time.Instant.now();
  static final java.time.Instant LATER = NOW.plus(java.time.Duration.ofDays(1));

  @TempDir
  Path dir;

  @Test
  void create_drawsIncreasingIds_andTheRowSurvivesAReopen() {
    long first;
    long second;
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      JdbcKeyRecoveryStore store = new JdbcKeyRecoveryStore(db, Clock.systemUTC());
      first = store.create(new NewKeyRecovery(BigInteger.valueOf(0x45), ALICE, "alice", 2, LATER)).recoveryId();
      second = store.create(new NewKeyRecovery(BigInteger.valueOf(0x46), ALICE, "alice", 2, LATER)).recoveryId();
    }
    assertEquals(first + 1, second);
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      KeyRecoveryRecord r = new JdbcKeyRecoveryStore(db, Clock.systemUTC()).find(first).orElseThrow();
      assertEquals(BigInteger.valueOf(0x45), r.serial());
      assertEquals(KeyRecoveryStatus.PENDING, r.status());
      assertEquals(2, r.requiredApprovals());
      assertEquals(ALICE, r.requester());
      assertEquals(List.of(), r.approvals());
      assertEquals(Optional.empty(), r.releasedAt());
    }
  }

  @Test
  void approve_oncePerCertificateAndPerAgentName_thenApproved_thenReleasedOnce() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      JdbcKeyRecoveryStore store = new JdbcKeyRecoveryStore(db, Clock.systemUTC());
      long id = store.create(new NewKeyRecovery(BigInteger.valueOf(0x45), ALICE, "alice", 2, LATER)).recoveryId();

      var first = assertInstanceOf(RecoveryApprovalResult.Recorded.class, store.approve(id, ALICE, "alice", 2));
      assertFalse(first.becameApproved());
      assertEquals(KeyRecoveryStatus.PENDING, first.after().status());
      assertInstanceOf(RecoveryApprovalResult.AlreadyApproved.class, store.approve(id, ALICE, "alice", 2));
      assertInstanceOf(RecoveryApprovalResult.AlreadyApproved.class,
          store.approve(id, ALICE_SECOND_CERT, "alice", 2), "a second certificate of the same agent");
      assertFalse(store.markReleased(id, 2, NOW), "one approval of two");

      var second = assertInstanceOf(RecoveryApprovalResult.Recorded.class, store.approve(id, BOB, "bob", 2));
      assertTrue(second.becameApproved());
      assertEquals(KeyRecoveryStatus.APPROVED, second.after().status());
      assertEquals(List.of("alice", "bob"), second.after().approvals().stream()
          .map(RecoveryApproval::approverName).toList());

      assertTrue(store.markReleased(id, 2, NOW));
      assertFalse(store.markReleased(id, 2, NOW), "a recovery releases once");
      KeyRecoveryRecord released = store.find(id).orElseThrow();
      assertEquals(KeyRecoveryStatus.RELEASED, released.status());
      assertTrue(released.releasedAt().isPresent());
      assertInstanceOf(RecoveryApprovalResult.AlreadyReleased.class, store.approve(id, BOB, "carol", 2));
      assertInstanceOf(RecoveryApprovalResult.Unknown.class, store.approve(id + 100, BOB, "bob", 2));
    }
  }

  @Test
  void expiredOrCancelledRecoveries_neitherReleaseNorList_andCancelHappensOnce() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      JdbcKeyRecoveryStore store = new JdbcKeyRecoveryStore(db, Clock.systemUTC());
      long expiring = store.create(new NewKeyRecovery(BigInteger.valueOf(0x45), ALICE, "alice", 1, LATER))
          .recoveryId();
      long cancelled = store.create(new NewKeyRecovery(BigInteger.valueOf(0x46), ALICE, "alice", 1, LATER))
          .recoveryId();
      store.approve(expiring, ALICE, "alice", 1);
      store.approve(cancelled, ALICE, "alice", 1);
      assertEquals(List.of(expiring, cancelled), store.listOpen(NOW).stream().map(KeyRecoveryRecord::recoveryId)
          .toList());
      assertEquals(LATER.toEpochMilli(), store.find(expiring).orElseThrow().expiresAt().toEpochMilli());

      java.time.Instant afterExpiry = LATER.plusMillis(1);
      assertFalse(store.markReleased(expiring, 1, afterExpiry), "past its expiry");
      assertEquals(List.of(), store.listOpen(afterExpiry));

      assertTrue(store.cancel(cancelled));
      assertFalse(store.cancel(cancelled), "cancelled once");
      assertEquals(KeyRecoveryStatus.CANCELLED, store.find(cancelled).orElseThrow().status());
      assertInstanceOf(RecoveryApprovalResult.Cancelled.class, store.approve(cancelled, BOB, "bob", 1));
      assertFalse(store.markReleased(cancelled, 1, NOW), "a cancelled recovery never releases");
      assertEquals(List.of(expiring), store.listOpen(NOW).stream().map(KeyRecoveryRecord::recoveryId).toList());
      assertTrue(store.markReleased(expiring, 1, NOW));
      assertFalse(store.cancel(expiring), "a released recovery cannot be cancelled");
    }
  }

  @Test
  void concurrentReleases_onlyOneWins() throws Exception {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      JdbcKeyRecoveryStore store = new JdbcKeyRecoveryStore(db, Clock.systemUTC());
      long id = store.create(new NewKeyRecovery(BigInteger.valueOf(0x45), ALICE, "alice", 1, LATER)).recoveryId();
      store.approve(id, ALICE, "alice", 1);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Callable<Boolean>> releases = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          releases.add(() -> store.markReleased(id, 1, NOW));
        }
        int won = 0;
        for (Future<Boolean> f : pool.invokeAll(releases)) {
          won += f.get() ? 1 : 0;
        }
        assertEquals(1, won);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
