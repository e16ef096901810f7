package org.p11ca.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.hsm.KeyPairSpec;

/** An independent checker: openssl accepts what the issuer signs and reads the extensions the profile asks for. */
class OpensslInteropTest {

  static TestCa ca;

  @TempDir
  static Path dir;

  static Path caPem;
  static Path certPem;

  @BeforeAll
  static void issue() throws IOException {
    ca = new TestCa("issuance-openssl", new KeyPairSpec.Rsa(2048));
    // openssl verify checks validity against the real clock, so this CA and certificate are valid now.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509CertificateHolder caCert = ca.selfSigned(now.minus(1, ChronoUnit.DAYS), now.plus(365, ChronoUnit.DAYS),
        Optional.empty());
    CertificateIssuer issuer = new CertificateIssuer(ca.token, ca.key, ca.algorithm, caCert,
        new InMemorySerialReservation(), Clock.fixed(now, ZoneOffset.UTC));
    X509CertificateHolder cert = issuer.issue(new ApprovedRequest(CertificateIssuerTest.withLocations(),
        new X500Name("UID=jdoe,CN=Jane Doe"), SubjectKeys.rsa(2048), List.of())).cert();
    caPem = Files.writeString(dir.resolve("ca.pem"), TestCa.pem(caCert));
    certPem = Files.writeString(dir.resolve("cert.pem"), TestCa.pem(cert));
  }

  @AfterAll
  static void closeToken() {
    ca.close();
  }

  private static String openssl(String... args) throws IOException, InterruptedException {
    return org.p11ca.ca.testing.Openssl.run(dir, args);
  }

  @Test
  void opensslVerifiesTheCertificateAgainstTheCa() throws Exception {
    assertEquals("cert.pem: OK", openssl("verify", "-CAfile", caPem.toString(), "cert.pem").trim());
  }

  @Test
  void opensslShowsTheProfilesExtensions() throws Exception {
    String text = openssl("x509", "-in", certPem.toString(), "-noout", "-text");
    for (String expected : List.of(
        "X509v3 Key Usage: critical",
        "Digital Signature, Non Repudiation, Key Encipherment, Data Encipherment",
        "X509v3 Extended Key Usage",
        "TLS Web Client Authentication, E-mail Protection",
        "X509v3 Basic Constraints: critical",
        "CA:FALSE",
        "X509v3 Subject Key Identifier",
        "X509v3 Authority Key Identifier",
        "URI:http://crl.example.com/ca.crl",
        "OCSP - URI:http://ocsp.example.com/",
        "CA Issuers - URI:http://ca.example.com/ca.crt",
        "Subject: UID = jdoe, CN = Jane Doe, O = Example")) {
      assertTrue(text.contains(expected), () -> "missing '" + expected + "' in:\n" + text);
    }
  }
}
