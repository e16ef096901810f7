package org.p11ca.ca.crl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.ca.repository.JdbcCrlStore;
import org.p11ca.ca.repository.RevocationReason;
import org.p11ca.ca.repository.StoredCrl;
import org.p11ca.ca.service.CmcService;
import org.p11ca.ca.service.Subscriber;
import org.p11ca.ca.service.TestAuthority;

/**
 * Full CRLs signed on the SoftHSM token, checked by an independent reader (openssl) and by Bouncy Castle's parser:
 * every revoked serial with its reason and invalidity date, the CRL number and AKI, and numbers that keep
 * increasing across a database reopen.
 */
class CrlGeneratorTest {

  static final Clock CLOCK = Clock.fixed(TestAuthority.NOW, ZoneOffset.UTC);
  static final Instant INVALID_SINCE = Instant.parse("2026-05-30T08:00:00Z");

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static BigInteger compromised;
  static BigInteger superseded;
  static BigInteger unspecified;
  static BigInteger valid;
  static StoredCrl crl;
  static Path caPem;
  static Path crlDer;

  @BeforeAll
  static void revokeThreeOfFour() throws IOException {
    ca = new TestAuthority("crl-generator", dir.resolve("ca"));
    CmcService service = ca.service();
    List<BigInteger> serials = new ArrayList<>();
    for (String subject : List.of("UID=alice,O=Example", "UID=bob,O=Example", "UID=carol,O=Example",
        "UID=dave,O=Example")) {
      serials.add(service.enrollByOperator(Subscriber.rsa(2048).csr(subject), "caFullCMCUserCert", "operator")
          .cert().getSerialNumber());
    }
    compromised = serials.get(0);
    superseded = serials.get(1);
    unspecified = serials.get(2);
    valid = serials.get(3);
    Instant revokedAt = TestAuthority.NOW.minusSeconds(60);
    ca.certificates.revoke(compromised, RevocationReason.KEY_COMPROMISE, Optional.of(INVALID_SINCE), revokedAt);
    ca.certificates.revoke(superseded, RevocationReason.SUPERSEDED, Optional.empty(), revokedAt);
    ca.certificates.revoke(unspecified, RevocationReason.UNSPECIFIED, Optional.empty(), revokedAt);
    crl = generator(ca.certificates, new JdbcCrlStore(ca.db, CLOCK)).generate();
    caPem = Files.writeString(dir.resolve("ca.pem"), pem(ca.caCert));
    crlDer = Files.write(dir.resolve("crl.der"), crl.der());
  }

  @AfterAll
  static void stop() {
    ca.close();
  }

  static CrlGenerator generator(JdbcCertificateStore certificates, JdbcCrlStore crls) {
    return new CrlGenerator(ca.signer, certificates, crls, Duration.ofDays(1), CLOCK);
  }

  @Test
  void generate_isSignedByTheCaKey_asOpensslVerifies() throws Exception {
    String out = openssl("crl", "-inform", "DER", "-in", crlDer.toString(), "-CAfile", caPem.toString(), "-noout",
        "-verify");
    assertTrue(out.contains("verify OK"), out);
  }

  @Test
  void generate_listsTheRevokedSerialsWithReasonInvalidityDateAndCrlNumber_asOpensslReadsThem() throws Exception {
    String text = openssl("crl", "-inform", "DER", "-in", crlDer.toString(), "-noout", "-text");
    for (BigInteger serial : List.of(compromised, superseded, unspecified)) {
      assertTrue(text.contains("Serial Number: " + opensslHex(serial)), text);
    }
    assertFalse(text.contains(opensslHex(valid)), "an unrevoked certificate is listed");
    for (String expected : List.of("Version 2 (0x1)", "Issuer: CN = p11ca Facade Test CA, O = Example",
        "Last Update: Jun  1 12:00:00 2026 GMT", "Next Update: Jun  2 12:00:00 2026 GMT",
        "X509v3 CRL Number:", String.valueOf(crl.number()), "X509v3 Authority Key Identifier:",
        "Key Compromise", "Superseded", "Invalidity Date:", "May 30 08:00:00 2026 GMT")) {
      assertTrue(text.contains(expected), "missing '" + expected + "' in\n" + text);
    }
    assertEquals(1, text.split("Invalidity Date:", -1).length - 1, "one entry has an invalidity date\n" + text);
  }

  @Test
  void generate_entries_carryReasonCodeOnlyWhenSpecified_andTheAkiIsTheCasKeyId() throws Exception {
    X509CRLHolder holder = new X509CRLHolder(crl.der());
    X509CRLEntryHolder key = holder.getRevokedCertificate(compromised);
    assertEquals(CRLReason.lookup(CRLReason.keyCompromise),
        CRLReason.getInstance(key.getExtensions().getExtensionParsedValue(Extension.reasonCode)));
    assertEquals(INVALID_SINCE, ASN1GeneralizedTime.getInstance(
        key.getExtensions().getExtensionParsedValue(Extension.invalidityDate)).getDate().toInstant());
    assertEquals(TestAuthority.NOW.minusSeconds(60), key.getRevocationDate().toInstant());
    // RFC 5280 5.3.1: unspecified is said by leaving the reasonCode out.
    assertNull(holder.getRevokedCertificate(unspecified).getExtensions());
    assertNull(holder.getRevokedCertificate(valid));
    assertEquals(BigInteger.valueOf(crl.number()),
        CRLNumber.getInstance(holder.getExtension(Extension.cRLNumber).getParsedValue()).getCRLNumber());
    assertNotNull(holder.getExtension(Extension.authorityKeyIdentifier));
    assertArrayEquals(ca.caCert.getExtension(Extension.subjectKeyIdentifier).getParsedValue().toASN1Primitive()
        .getEncoded(), org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.fromExtensions(holder.getExtensions())
        .getKeyIdentifierObject().getEncoded());
    assertEquals(ca.caCert.getSubject(), holder.getIssuer());
  }

  @Test
  void generate_numbersIncrease_andTheLatestCrlSurvivesReopeningTheDatabase() {
    Path data = dir.resolve("reopened");
    StoredCrl second;
    try (CaDatabase db = CaDatabase.openSqlite(data)) {
      JdbcCrlStore crls = new JdbcCrlStore(db, CLOCK);
      CrlGenerator generator = generator(new JdbcCertificateStore(db, CLOCK), crls);
      assertEquals(1, generator.generate().number());
      second = generator.generate();
      assertEquals(2, second.number());
    }
    try (CaDatabase db = CaDatabase.openSqlite(data)) {
      JdbcCrlStore crls = new JdbcCrlStore(db, CLOCK);
      StoredCrl stored = crls.latest().orElseThrow();
      assertEquals(2, stored.number());
      assertArrayEquals(second.der(), stored.der());
      assertEquals(second.nextUpdate(), stored.nextUpdate());
      assertEquals(3, generator(new JdbcCertificateStore(db, CLOCK), crls).generate().number());
    }
  }

  @Test
  void reservedNumber_isNeverGivenAgain_evenWhenItsCrlWasNeverStored() {
    try (CaDatabase db = CaDatabase.openSqlite(dir.resolve("crash"))) {
      JdbcCrlStore crls = new JdbcCrlStore(db, CLOCK);
      // As if the process died between reserving the number and storing the signed CRL.
      long abandoned = crls.reserveNumber(TestAuthority.NOW, TestAuthority.NOW.plusSeconds(60));
      assertEquals(Optional.empty(), crls.latest());
      assertEquals(abandoned + 1, generator(new JdbcCertificateStore(db, CLOCK), crls).generate().number());
    }
  }

  /** openssl prints serials as whole octets: an odd number of hex digits gets a leading zero. */
  static String opensslHex(BigInteger serial) {
    String hex = serial.toString(16).toUpperCase(Locale.ROOT);
    return hex.length() % 2 == 0 ? hex : "0" + hex;
  }

  static String openssl(String... args) throws IOException, InterruptedException {
    return org.p11ca.ca.testing.Openssl.run(dir, args);
  }

  static String pem(X509CertificateHolder cert) throws IOException {
    return org.p11ca.ca.testing.Openssl.pem(cert);
  }
}
