package org.p11ca.ca.crl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.bouncycastle.cert.X509CRLHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.JdbcCrlStore;
import org.p11ca.ca.repository.RevocationReason;
import org.p11ca.ca.repository.StoredCrl;
import org.p11ca.ca.service.CmcService;
import org.p11ca.ca.service.Subscriber;
import org.p11ca.ca.service.TestAuthority;

/**
 * The publisher keeps one current CRL: taken up from the database when still good, remade when missing, expired or
 * older than a revocation, and remade once per burst of revocations. Every generation is audited.
 */
class CrlPublisherTest {

  /** CRLs are made a minute after the fixture's revocations, so "a revocation after the CRL" is a choice. */
  static final Instant CRL_TIME = TestAuthority.NOW.plusSeconds(60);
  static final Duration GENEROUS = Duration.ofSeconds(60);

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static CmcService service;
  static final List<CaDatabase> crlDatabases = new ArrayList<>();

  @BeforeAll
  static void start() {
    ca = new TestAuthority("crl-publisher", dir.resolve("ca"));
    service = ca.service();
  }

  @AfterAll
  static void stop() {
    crlDatabases.forEach(CaDatabase::close);
    ca.close();
  }

  /** Each test keeps its CRLs in a database of its own, so the order tests run in does not matter. */
  static JdbcCrlStore crlStore(String test) {
    CaDatabase db = CaDatabase.openSqlite(dir.resolve(test));
    crlDatabases.add(db);
    return new JdbcCrlStore(db, Clock.fixed(TestAuthority.NOW, ZoneOffset.UTC));
  }

  static CrlPublisher publisher(JdbcCrlStore crls, Instant now, Duration regenerateDelay) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    CrlSettings settings = new CrlSettings(Duration.ofDays(1), regenerateDelay);
    return new CrlPublisher(new CrlGenerator(ca.signer, ca.certificates, crls, settings.validity(), clock), crls,
        ca.certificates, settings, ca.audit, clock);
  }

  static BigInteger issue(String subject) {
    return service.enrollByOperator(Subscriber.rsa(2048).csr(subject), "caFullCMCUserCert", "operator").cert()
        .getSerialNumber();
  }

  static boolean lists(StoredCrl crl, BigInteger serial) {
    try {
      return new X509CRLHolder(crl.der()).getRevokedCertificate(serial) != null;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(GENEROUS);
    while (!condition.getAsBoolean()) {
      assertTrue(Instant.now().isBefore(deadline), "not within " + GENEROUS + ": " + what);
      Thread.sleep(20);
    }
  }

  @Test
  void start_takesUpAStoredCrlStillCurrent_remakesOneAfterALaterRevocationOrPastNextUpdate() throws Exception {
    BigInteger serial = issue("UID=erin,O=Example");
    ca.certificates.revoke(serial, RevocationReason.KEY_COMPROMISE, Optional.empty(), TestAuthority.NOW);
    JdbcCrlStore crls = crlStore("restart");
    long first;
    try (CrlPublisher p = publisher(crls, CRL_TIME, Duration.ofSeconds(2))) {
      int auditBefore = ca.auditLines();
      p.start();
      first = p.current().number();
      assertTrue(lists(p.current(), serial));
      assertTrue(ca.eventsSince(auditBefore).contains("FULL_CRL_GENERATION"), ca.eventsSince(auditBefore).toString());
      assertTrue(ca.auditText().contains("[AuditEvent=FULL_CRL_GENERATION][SubjectID=$System$][Outcome=Success]"
          + "[CRLnum=" + first + "]"), "audit names the CRL number");
      assertEquals(ca.audit.lastSequenceNumber(), ca.audit.durableThrough(), "the CRL is served once audited on disk");
    }
    try (CrlPublisher p = publisher(crls, CRL_TIME.plusSeconds(5), Duration.ofSeconds(2))) {
      p.start();
      assertEquals(first, p.current().number(), "a stored, current CRL is served again, not remade");
    }
    // Revoked after that CRL, with nobody told (as if the process stopped before the batched regeneration).
    BigInteger later = issue("UID=frank,O=Example");
    ca.certificates.revoke(later, RevocationReason.SUPERSEDED, Optional.empty(), CRL_TIME.plusSeconds(10));
    try (CrlPublisher p = publisher(crls, CRL_TIME.plusSeconds(20), Duration.ofSeconds(2))) {
      p.start();
      assertEquals(first + 1, p.current().number());
      assertTrue(lists(p.current(), later));
    }
    try (CrlPublisher p = publisher(crls, CRL_TIME.plus(Duration.ofDays(2)), Duration.ofSeconds(2))) {
      p.start();
      assertEquals(first + 2, p.current().number(), "a CRL past its nextUpdate is remade");
    }
  }

  @Test
  void revocationsInABurst_makeOneOrAFewCrls_thatListThemAll() throws Exception {
    List<BigInteger> serials = new ArrayList<>();
    for (String subject : List.of("UID=gina,O=Example", "UID=hank,O=Example")) {
      serials.add(issue(subject));
    }
    JdbcCrlStore crls = crlStore("burst");
    try (CrlPublisher p = publisher(crls, CRL_TIME.plus(Duration.ofDays(10)), Duration.ofMillis(300))) {
      p.start();
      long before = p.current().number();
      int auditBefore = ca.auditLines();
      for (BigInteger serial : serials) {
        ca.certificates.revoke(serial, RevocationReason.AFFILIATION_CHANGED, Optional.empty(), TestAuthority.NOW);
        p.revoked(serial);
      }
      for (int i = 0; i < 1000; i++) {
        p.markStale();
      }
      await("a CRL listing both revocations", () -> serials.stream().allMatch(s -> lists(p.current(), s)));
      // Anything else the burst scheduled has had ample time to run by now.
      Thread.sleep(1000);
      long made = p.current().number() - before;
      assertTrue(made >= 1 && made <= 3, "1002 revocation notices made " + made + " CRLs");
      assertEquals(made, ca.eventsSince(auditBefore).stream().filter("FULL_CRL_GENERATION"::equals).count());
    }
  }

  @Test
  void current_beforeStart_makesACrl() {
    try (CrlPublisher p = publisher(crlStore("lazy"), CRL_TIME.plus(Duration.ofDays(20)), Duration.ofSeconds(2))) {
      StoredCrl crl = p.current();
      assertNotNull(crl);
      assertTrue(crl.nextUpdate().isAfter(CRL_TIME.plus(Duration.ofDays(20))));
    }
  }
}
