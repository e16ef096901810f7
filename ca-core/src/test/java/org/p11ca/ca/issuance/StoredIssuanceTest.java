package org.p11ca.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.CertificateRecord;
import org.p11ca.ca.repository.CertificateReservation;
import org.p11ca.ca.repository.CertificateStatus;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.hsm.KeyPairSpec;

/** Issuance on a SoftHSM CA key, recorded in the real SQLite repository through {@link StoredSerialReservation}. */
class StoredIssuanceTest {

  static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");
  static final X500Name SIGNER = new X500Name("UID=jdoe,O=Example");
  static TestCa ca;
  static X509CertificateHolder caCert;

  @BeforeAll
  static void createCa() {
    ca = new TestCa("stored-issuance", new KeyPairSpec.Rsa(2048));
    caCert = ca.selfSigned(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"),
        Optional.empty());
  }

  @AfterAll
  static void closeToken() {
    ca.close();
  }

  private static ApprovedRequest userSigned() {
    return new ApprovedRequest(ProfileLoader.loadDefaults().find("caFullCMCUserSignedCert").orElseThrow(), SIGNER,
        SubjectKeys.rsa(2048), List.of());
  }

  @Test
  void issuedCertificateIsStoredWithTheTbsRecordedBeforeSigning(@TempDir Path dir) throws Exception {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      JdbcCertificateStore store = new JdbcCertificateStore(db, Clock.fixed(NOW, ZoneOffset.UTC));
      StoredSerialReservation stored = new StoredSerialReservation(store);
      // The row as it stood when the token had signed and the certificate was about to be stored.
      List<CertificateRecord> beforeStoring = new java.util.ArrayList<>();
      SerialReservation watched = new SerialReservation() {
        @Override
        public boolean reserve(BigInteger serial, CertificateIntent intent) {
          return stored.reserve(serial, intent);
        }

        @Override
        public void issued(BigInteger serial, CertificateIntent intent, X509CertificateHolder certificate) {
          beforeStoring.add(store.find(serial).orElseThrow());
          stored.issued(serial, intent, certificate);
        }
      };
      CertificateIssuer issuer = new CertificateIssuer(ca.token, ca.key, ca.algorithm, caCert, watched,
          new SerialNumbers(new SecureRandom()), Clock.fixed(NOW, ZoneOffset.UTC));
      IssuedCertificate issued = issuer.issue(userSigned());
      assertEquals(CertificateStatus.RESERVED, beforeStoring.get(0).status());
      assertArrayEquals(issued.cert().toASN1Structure().getTBSCertificate().getEncoded(),
          beforeStoring.get(0).tbsCertificate().orElseThrow());
      CertificateRecord row = store.find(issued.serial()).orElseThrow();
      assertEquals(CertificateStatus.ISSUED, row.status());
      assertArrayEquals(issued.cert().getEncoded(), row.certificate().orElseThrow());
      // Stored once: the certificate holds the TBS that was reserved.
      assertTrue(row.tbsCertificate().isEmpty());
      assertEquals("caFullCMCUserSignedCert", row.profileId());
      // The row's validity comes from the reserved intent, not from the DER: it must be the certificate's.
      assertEquals(issued.cert().getNotBefore().toInstant(), row.notBefore().orElseThrow());
      assertEquals(issued.cert().getNotAfter().toInstant(), row.notAfter().orElseThrow());
    }
  }

  @Test
  void serialTakenInTheDatabaseIsDrawnAgain(@TempDir Path dir) {
    try (CaDatabase db = CaDatabase.openSqlite(dir)) {
      JdbcCertificateStore store = new JdbcCertificateStore(db, Clock.fixed(NOW, ZoneOffset.UTC));
      // The first draw yields 0x11 followed by zeros, which another issuance already holds.
      SerialNumbers serials = new SerialNumbers(new SequenceRandom(List.of(0x11, 0x22)));
      BigInteger taken = new SerialNumbers(new SequenceRandom(List.of(0x11))).next();
      store.reserve(new CertificateReservation(taken, Optional.empty(), "other", "CN=other", new byte[] {1}));
      CertificateIssuer issuer = new CertificateIssuer(ca.token, ca.key, ca.algorithm, caCert,
          new StoredSerialReservation(store), serials, Clock.fixed(NOW, ZoneOffset.UTC));
      IssuedCertificate issued = issuer.issue(userSigned());
      assertEquals(new SerialNumbers(new SequenceRandom(List.of(0x22))).next(), issued.serial());
      assertEquals(CertificateStatus.RESERVED, store.find(taken).orElseThrow().status());
    }
  }
}
