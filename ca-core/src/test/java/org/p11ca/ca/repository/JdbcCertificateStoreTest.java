package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

class JdbcCertificateStoreTest {

  private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  /** 20 octets with the top bit clear: the largest serials RFC 5280 allows, far beyond a BIGINT. */
  private static final BigInteger BIG_SERIAL = new BigInteger("7f" + "a5".repeat(19), 16);

  @TempDir
  Path dir;

  private CaDatabase db;
  private CertificateStore store;

  @BeforeEach
  void open() {
    db = CaDatabase.openSqlite(dir);
    store = new JdbcCertificateStore(db, CLOCK);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static CertificateReservation reservation(BigInteger serial) {
    return new CertificateReservation(serial, Optional.empty(), "caFullCMCUserSignedCert",
        "CN=Signer Christina Fu,UID=cfu,OU=self-signed", ("tbs-" + serial).getBytes(StandardCharsets.UTF_8));
  }

  private static org.bouncycastle.asn1.x509.SubjectPublicKeyInfo key(int n) {
    return new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
        org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey), new byte[] {4, (byte) n, (byte) (n >> 8)});
  }

  /** A row for {@code subject} certifying {@code key}: reserved, issued or issued and then revoked. */
  private BigInteger certify(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo key, String subject,
      CertificateStatus status) {
    BigInteger serial = BigInteger.valueOf(0x1000 + store.listByStatus(CertificateStatus.RESERVED).size()
        + store.listByStatus(CertificateStatus.ISSUED).size() + store.listByStatus(CertificateStatus.REVOKED).size());
    assertTrue(store.reserve(new CertificateReservation(serial, Optional.empty(), "caFullCMCUserSignedCert", subject,
        new byte[] {0x30, 0x00}, Optional.of(SubjectKeyHash.of(key)))));
    if (status != CertificateStatus.RESERVED) {
      store.markIssued(serial, new byte[] {0x30, 0x00}, NOW, NOW.plusSeconds(3600));
    }
    if (status == CertificateStatus.REVOKED) {
      store.revoke(serial, RevocationReason.KEY_COMPROMISE, Optional.empty(), NOW);
    }
    return serial;
  }

  /**
   * The renewal rules' view of a key: one certificate for another subject (below the asked subject in index order
   * first, then above; reserved rows never), one revoked and one issued for the subject asked about; nothing of
   * other keys.
   */
  @Test
  void keyHistory_findsOneOfEachKindForThatKeyOnly() {
    var shared = key(1);
    var other = key(2);
    certify(shared, "UID=0", CertificateStatus.RESERVED);
    BigInteger a = certify(shared, "UID=a", CertificateStatus.ISSUED);
    BigInteger b = certify(shared, "UID=b", CertificateStatus.ISSUED);
    BigInteger c = certify(shared, "UID=c", CertificateStatus.REVOKED);
    BigInteger bOtherKey = certify(other, "UID=b", CertificateStatus.REVOKED);

    KeyHistory forB = store.keyHistory(shared, "UID=b");
    assertEquals(a, forB.otherSubject().orElseThrow().serial());
    assertEquals("UID=a", forB.otherSubject().get().subjectDn());
    assertEquals(CertificateStatus.ISSUED, forB.otherSubject().get().status());
    assertTrue(forB.revokedForSubject().isEmpty());
    assertEquals(b, forB.issuedForSubject().orElseThrow().serial());

    // Nothing but a reserved row below "UID=a": the other subject is found above it.
    KeyHistory forA = store.keyHistory(shared, "UID=a");
    assertEquals(b, forA.otherSubject().orElseThrow().serial());
    assertEquals(a, forA.issuedForSubject().orElseThrow().serial());

    KeyHistory forC = store.keyHistory(shared, "UID=c");
    assertEquals(a, forC.otherSubject().orElseThrow().serial());
    assertEquals(c, forC.revokedForSubject().orElseThrow().serial());
    assertEquals(CertificateStatus.REVOKED, forC.revokedForSubject().get().status());
    assertTrue(forC.issuedForSubject().isEmpty());

    KeyHistory otherKey = store.keyHistory(other, "UID=b");
    assertTrue(otherKey.otherSubject().isEmpty());
    assertEquals(bOtherKey, otherKey.revokedForSubject().orElseThrow().serial());
    assertTrue(otherKey.issuedForSubject().isEmpty());

    assertTrue(store.keyHistory(key(3), "UID=b").isEmpty());
    // Only a reserved row for "UID=0": never certified, as far as the rules go.
    assertTrue(store.keyHistory(key(4), "UID=0").isEmpty());
  }

  @Test
  void reserve_thenMarkIssued_findReturnsTheIssuedCertificate() {
    assertTrue(store.reserve(reservation(BIG_SERIAL)));
    CertificateRecord reserved = store.find(BIG_SERIAL).orElseThrow();
    assertEquals(CertificateStatus.RESERVED, reserved.status());
    assertArrayEquals(("tbs-" + BIG_SERIAL).getBytes(StandardCharsets.UTF_8),
        reserved.tbsCertificate().orElseThrow());
    assertTrue(reserved.certificate().isEmpty());
    assertEquals(NOW, reserved.reservedAt());

    byte[] der = {0x30, 0x03, 0x02, 0x01, 0x2d};
    Instant notBefore = Instant.parse("2026-01-15T09:55:00Z");
    Instant notAfter = Instant.parse("2027-01-15T09:55:00Z");
    store.markIssued(BIG_SERIAL, der, notBefore, notAfter);

    CertificateRecord issued = store.find(BIG_SERIAL).orElseThrow();
    assertEquals(CertificateStatus.ISSUED, issued.status());
    assertEquals(BIG_SERIAL, issued.serial());
    assertArrayEquals(der, issued.certificate().orElseThrow());
    assertTrue(issued.tbsCertificate().isEmpty(), "the certificate holds the TBS once issued");
    assertEquals(Optional.of(notBefore), issued.notBefore());
    assertEquals(Optional.of(notAfter), issued.notAfter());
    assertEquals(Optional.of(NOW), issued.issuedAt());
    assertEquals("caFullCMCUserSignedCert", issued.profileId());
    assertEquals("CN=Signer Christina Fu,UID=cfu,OU=self-signed", issued.subjectDn());
    assertTrue(issued.revocation().isEmpty());
  }

  @Test
  void reserve_linkedToRequest_keepsTheRequestId() {
    RequestRecord request = new JdbcRequestStore(db, CLOCK).create(new NewRequest(RequestStatus.PENDING,
        "caFullCMCUserSignedCert", "CN=a", "CN=a", Optional.empty()));
    assertTrue(store.reserve(new CertificateReservation(BigInteger.TEN, Optional.of(request.id()), "p", "CN=a",
        new byte[] {1})));
    assertEquals(Optional.of(request.id()), store.find(BigInteger.TEN).orElseThrow().requestId());
  }

  @Test
  void find_serialsNoCertificateCanHave_areNotFound() {
    assertTrue(store.reserve(reservation(BigInteger.valueOf(45))));
    assertTrue(store.find(BigInteger.valueOf(-45)).isEmpty());
    assertTrue(store.find(BigInteger.ZERO).isEmpty());
    assertTrue(store.find(BigInteger.TWO.pow(160)).isEmpty(), "21 octets");
    assertTrue(store.find(BigInteger.valueOf(45)).isPresent());
  }

  @Test
  void reserve_unknownRequestId_isRefusedByTheForeignKey() {
    CaException e = assertThrows(CaException.class, () -> store.reserve(new CertificateReservation(BigInteger.TEN,
        Optional.of(999L), "p", "CN=a", new byte[] {1})));
    assertEquals(FailInfo.INTERNAL_CA_ERROR, e.failInfo());
    assertTrue(store.find(BigInteger.TEN).isEmpty());
  }

  @Test
  void reserve_duplicateSerial_returnsFalseAndKeepsTheFirst() {
    assertTrue(store.reserve(reservation(BigInteger.valueOf(45))));
    CertificateReservation other = new CertificateReservation(BigInteger.valueOf(45), Optional.empty(), "other",
        "CN=other", new byte[] {9});
    assertFalse(store.reserve(other));
    assertEquals("caFullCMCUserSignedCert", store.find(BigInteger.valueOf(45)).orElseThrow().profileId());
  }

  @Test
  void reserve_sameSerialFromTwoThreadsAtOnce_exactlyOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 1; i <= 25; i++) {
        BigInteger serial = BigInteger.valueOf(1000 + i);
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<Boolean> attempt = () -> {
          start.await();
          return store.reserve(reservation(serial));
        };
        Future<Boolean> a = pool.submit(attempt);
        Future<Boolean> b = pool.submit(attempt);
        assertTrue(a.get() ^ b.get(), "exactly one reservation of " + serial + " must win");
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(25, store.listByStatus(CertificateStatus.RESERVED).size());
  }

  @Test
  void markIssued_serialNeverReserved_fails() {
    CaException e = assertThrows(CaException.class,
        () -> store.markIssued(BigInteger.TWO, new byte[] {1}, NOW, NOW.plusSeconds(60)));
    assertTrue(e.detail().contains("never reserved"), e.detail());
  }

  @Test
  void markIssued_twice_failsTheSecondTime() {
    store.reserve(reservation(BigInteger.TWO));
    store.markIssued(BigInteger.TWO, new byte[] {1}, NOW, NOW.plusSeconds(60));
    CaException e = assertThrows(CaException.class,
        () -> store.markIssued(BigInteger.TWO, new byte[] {2}, NOW, NOW.plusSeconds(60)));
    assertTrue(e.detail().contains("ISSUED"), e.detail());
    assertArrayEquals(new byte[] {1}, store.find(BigInteger.TWO).orElseThrow().certificate().orElseThrow());
  }

  @Test
  void revoke_issued_recordsTheRevocation() {
    store.reserve(reservation(BigInteger.TEN));
    store.markIssued(BigInteger.TEN, new byte[] {1}, NOW, NOW.plusSeconds(60));
    Instant invalid = NOW.minusSeconds(3600);
    Instant revokedAt = NOW.plusSeconds(5);

    RevocationResult result = store.revoke(BigInteger.TEN, RevocationReason.KEY_COMPROMISE, Optional.of(invalid),
        revokedAt);

    CertificateRecord revoked = assertInstanceOf(RevocationResult.Revoked.class, result).certificate();
    assertEquals(CertificateStatus.REVOKED, revoked.status());
    assertEquals(new Revocation(RevocationReason.KEY_COMPROMISE, Optional.of(invalid), revokedAt),
        revoked.revocation().orElseThrow());
    assertArrayEquals(new byte[] {1}, revoked.certificate().orElseThrow());
    assertEquals(revoked.revocation(), store.find(BigInteger.TEN).orElseThrow().revocation());
  }

  @Test
  void revoke_twice_refusesAndKeepsTheFirstRevocation() {
    store.reserve(reservation(BigInteger.TEN));
    store.markIssued(BigInteger.TEN, new byte[] {1}, NOW, NOW.plusSeconds(60));
    store.revoke(BigInteger.TEN, RevocationReason.SUPERSEDED, Optional.empty(), NOW);

    RevocationResult again = store.revoke(BigInteger.TEN, RevocationReason.KEY_COMPROMISE, Optional.of(NOW),
        NOW.plusSeconds(60));

    Revocation existing = assertInstanceOf(RevocationResult.AlreadyRevoked.class, again).existing();
    assertEquals(new Revocation(RevocationReason.SUPERSEDED, Optional.empty(), NOW), existing);
    assertEquals(Optional.of(existing), store.find(BigInteger.TEN).orElseThrow().revocation());
  }

  @Test
  void revoke_reservedButNeverMarkedIssued_isAllowed() {
    // The crash case: the token may have signed, so the reserved serial must be revocable.
    store.reserve(reservation(BigInteger.TEN));
    RevocationResult result = store.revoke(BigInteger.TEN, RevocationReason.UNSPECIFIED, Optional.empty(), NOW);
    CertificateRecord revoked = assertInstanceOf(RevocationResult.Revoked.class, result).certificate();
    assertTrue(revoked.certificate().isEmpty());
    assertEquals(CertificateStatus.REVOKED, revoked.status());
    // What the token may have signed stays on record: the only trace of that certificate.
    assertArrayEquals(("tbs-" + BigInteger.TEN).getBytes(StandardCharsets.UTF_8),
        revoked.tbsCertificate().orElseThrow());
  }

  @Test
  void revoke_unknownSerial_saysSo() {
    assertInstanceOf(RevocationResult.UnknownSerial.class,
        store.revoke(BigInteger.TEN, RevocationReason.UNSPECIFIED, Optional.empty(), NOW));
  }

  @Test
  void listByStatus_returnsOnlyThatStatus() {
    for (int i = 1; i <= 4; i++) {
      store.reserve(reservation(BigInteger.valueOf(i)));
    }
    store.markIssued(BigInteger.ONE, new byte[] {1}, NOW, NOW.plusSeconds(60));
    store.markIssued(BigInteger.TWO, new byte[] {1}, NOW, NOW.plusSeconds(60));
    store.revoke(BigInteger.TWO, RevocationReason.SUPERSEDED, Optional.empty(), NOW);

    assertEquals(List.of(BigInteger.ONE), serials(store.listByStatus(CertificateStatus.ISSUED)));
    assertEquals(List.of(BigInteger.TWO), serials(store.listByStatus(CertificateStatus.REVOKED)));
    assertEquals(List.of(BigInteger.valueOf(3), BigInteger.valueOf(4)),
        serials(store.listByStatus(CertificateStatus.RESERVED)));
  }

  @Test
  void data_survivesClosingAndReopening() {
    store.reserve(reservation(BIG_SERIAL));
    store.markIssued(BIG_SERIAL, new byte[] {7, 7}, NOW, NOW.plusSeconds(60));
    store.reserve(reservation(BigInteger.ONE));
    store.revoke(BigInteger.ONE, RevocationReason.CESSATION_OF_OPERATION, Optional.empty(), NOW);
    db.close();

    db = CaDatabase.openSqlite(dir);
    CertificateStore reopened = new JdbcCertificateStore(db, CLOCK);
    assertArrayEquals(new byte[] {7, 7}, reopened.find(BIG_SERIAL).orElseThrow().certificate().orElseThrow());
    assertEquals(RevocationReason.CESSATION_OF_OPERATION,
        reopened.find(BigInteger.ONE).orElseThrow().revocation().orElseThrow().reason());
    assertFalse(reopened.reserve(reservation(BIG_SERIAL)));
  }

  @Test
  void reservation_nonPositiveOrOversizedSerial_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> reservation(BigInteger.ZERO));
    assertThrows(IllegalArgumentException.class, () -> reservation(BigInteger.ONE.shiftLeft(160)));
  }

  private static List<BigInteger> serials(List<CertificateRecord> records) {
    return records.stream().map(CertificateRecord::serial).sorted().toList();
  }

  private static NewRequest pendingRequest() {
    return new NewRequest(RequestStatus.PENDING, "caFullCMCUserSignedCert", "UID=cfu", "UID=cfu", Optional.empty());
  }

  @Test
  void reserveForNewRequest_recordsTheRequestAndTheReservationTogether() {
    RequestStore requests = new JdbcRequestStore(db, CLOCK);
    long id = store.reserveForNewRequest(pendingRequest(), reservation(BIG_SERIAL)).orElseThrow();

    assertEquals(RequestStatus.PENDING, requests.find(id).orElseThrow().status());
    CertificateRecord reserved = store.find(BIG_SERIAL).orElseThrow();
    assertEquals(CertificateStatus.RESERVED, reserved.status());
    assertEquals(Optional.of(id), reserved.requestId());
  }

  @Test
  void reserveForNewRequest_takenSerial_recordsNothing() {
    RequestStore requests = new JdbcRequestStore(db, CLOCK);
    assertTrue(store.reserve(reservation(BIG_SERIAL)));

    assertEquals(Optional.empty(), store.reserveForNewRequest(pendingRequest(), reservation(BIG_SERIAL)));
    // The request row went with the refused reservation: the next request takes id 1.
    assertEquals(1, requests.create(pendingRequest()).id());
  }

  @Test
  void markIssuedCompleting_issuesTheCertificateAndCompletesTheRequest() {
    RequestStore requests = new JdbcRequestStore(db, CLOCK);
    long id = store.reserveForNewRequest(pendingRequest(), reservation(BIG_SERIAL)).orElseThrow();
    byte[] der = {0x30, 0x03, 0x02, 0x01, 0x2d};

    store.markIssuedCompleting(BIG_SERIAL, der, NOW, NOW.plusSeconds(60), id);

    assertEquals(CertificateStatus.ISSUED, store.find(BIG_SERIAL).orElseThrow().status());
    assertArrayEquals(der, store.find(BIG_SERIAL).orElseThrow().certificate().orElseThrow());
    assertEquals(RequestStatus.COMPLETE, requests.find(id).orElseThrow().status());
  }

  @Test
  void markIssuedCompleting_unknownRequest_leavesTheCertificateReserved() {
    assertTrue(store.reserve(reservation(BIG_SERIAL)));

    CaException e = assertThrows(CaException.class,
        () -> store.markIssuedCompleting(BIG_SERIAL, new byte[] {1}, NOW, NOW.plusSeconds(60), 42));

    assertEquals(FailInfo.INTERNAL_CA_ERROR, e.failInfo());
    assertEquals(CertificateStatus.RESERVED, store.find(BIG_SERIAL).orElseThrow().status());
  }
}
