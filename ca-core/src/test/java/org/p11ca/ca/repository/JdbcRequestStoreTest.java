package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcRequestStoreTest {

  private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

  @TempDir
  Path dir;

  private static NewRequest request(Optional<String> transactionId) {
    return new NewRequest(RequestStatus.PENDING, "caFullCMCUserSignedCert",
        "CN=Signer Christina Fu,UID=cfu,OU=self-signed", "Signer Christina Fu", transactionId);
  }

  @Test
  void create_thenFind_roundTrips() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      RequestStore store = new JdbcRequestStore(db, Clock.fixed(NOW, ZoneOffset.UTC));
      RequestRecord created = store.create(request(Optional.of("4532")));

      assertEquals(new RequestRecord(created.id(), RequestStatus.PENDING, "caFullCMCUserSignedCert",
          "CN=Signer Christina Fu,UID=cfu,OU=self-signed", "Signer Christina Fu", Optional.of("4532"), NOW, NOW),
          created);
      assertEquals(Optional.of(created), store.find(created.id()));
    }
  }

  @Test
  void create_givesIncreasingIds() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      RequestStore store = new JdbcRequestStore(db, Clock.fixed(NOW, ZoneOffset.UTC));
      long first = store.create(request(Optional.empty())).id();
      long second = store.create(request(Optional.empty())).id();
      assertEquals(1, first);
      assertEquals(2, second);
      assertEquals(Optional.empty(), store.find(second).orElseThrow().transactionId());
    }
  }

  @Test
  void updateStatus_changesStatusAndUpdatedAt() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      long id = new JdbcRequestStore(db, Clock.fixed(NOW, ZoneOffset.UTC)).create(request(Optional.empty())).id();
      Instant later = NOW.plusSeconds(30);
      RequestStore store = new JdbcRequestStore(db, Clock.fixed(later, ZoneOffset.UTC));

      RequestRecord updated = store.updateStatus(id, RequestStatus.COMPLETE).orElseThrow();

      assertEquals(RequestStatus.COMPLETE, updated.status());
      assertEquals(NOW, updated.createdAt());
      assertEquals(later, updated.updatedAt());
      assertEquals(Optional.of(updated), store.find(id));
    }
  }

  @Test
  void updateStatus_unknownId_isEmpty() {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      RequestStore store = new JdbcRequestStore(db, Clock.fixed(NOW, ZoneOffset.UTC));
      assertTrue(store.updateStatus(42, RequestStatus.REJECTED).isEmpty());
      assertTrue(store.find(42).isEmpty());
    }
  }

  @Test
  void requests_surviveReopen_andIdsContinue() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    RequestRecord created;
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      created = new JdbcRequestStore(db, clock).create(request(Optional.of("t-1")));
    }
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      RequestStore store = new JdbcRequestStore(db, clock);
      assertEquals(Optional.of(created), store.find(created.id()));
      assertEquals(created.id() + 1, store.create(request(Optional.empty())).id());
    }
  }
}
