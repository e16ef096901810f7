package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The externally signed CA path: csr on the token, signed by another CA, imported and exported again. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateImportExportTest {

  Path dir;
  CliToken token;
  String keyId;
  Path issuedPem;
  KeyPair parentCa;

  @BeforeAll
  void requestAndIssue(@TempDir Path dir) throws Exception {
    this.dir = dir;
    token = CliToken.create(dir, "import");
    token.run("generate-key", "--label", "decoy", "--type", "ec-p256", "--purpose", "sign").requireSuccess();
    keyId = token.run("generate-key", "--label", "issuing", "--type", "rsa2048", "--purpose", "ca")
        .requireSuccess().out().strip().replaceAll(".* ", "");
    String csrPem = token.run("csr", "--key", "issuing", "--subject", "CN=Issuing CA").requireSuccess().out();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    parentCa = generator.generateKeyPair();
    issuedPem = dir.resolve("issuing.pem");
    Files.writeString(issuedPem, Pem.encode(signByParent(csrPem)));
  }

  /** What an external root would do with our CSR. */
  X509Certificate signByParent(String csrPem) throws Exception {
    PKCS10CertificationRequest csr;
    try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
      csr = (PKCS10CertificationRequest) parser.readObject();
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(new X500Name("CN=External Root"),
        BigInteger.valueOf(now.getEpochSecond()), Date.from(now), Date.from(now.plus(365, ChronoUnit.DAYS)),
        csr.getSubject(), csr.getSubjectPublicKeyInfo());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(parentCa.getPrivate())));
  }

  @Test
  void importCert_withoutIdTakesTheMatchingKeysId() {
    Cli.Result result = token.run("import-cert", "--label", "issuing-cert", "--in", issuedPem.toString())
        .requireSuccess();
    assertEquals("imported certificate 'issuing-cert' with CKA_ID " + keyId, result.out().strip());
    assertTrue(token.listRows().stream()
        .anyMatch(r -> r[0].equals("certificate") && r[3].equals("issuing-cert") && r[4].equals(keyId)));
  }

  @Test
  void importCert_acceptsDer() throws Exception {
    Path der = dir.resolve("issuing.der");
    Files.write(der, Pem.readCertificate(issuedPem).getEncoded());
    token.run("import-cert", "--label", "issuing-der", "--in", der.toString()).requireSuccess();
    assertTrue(token.listRows().stream()
        .anyMatch(r -> r[0].equals("certificate") && r[3].equals("issuing-der") && r[4].equals(keyId)));
  }

  @Test
  void importCert_explicitIdIsUsed() {
    token.run("import-cert", "--label", "issuing-id", "--in", issuedPem.toString(), "--id", "beef")
        .requireSuccess();
    assertTrue(token.listRows().stream()
        .anyMatch(r -> r[0].equals("certificate") && r[3].equals("issuing-id") && r[4].equals("beef")));
  }

  @Test
  void importCert_withoutAMatchingKeyAsksForId() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair stranger = generator.generateKeyPair();
    X509v3CertificateBuilder builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
        new X500Name("CN=Stranger"), BigInteger.ONE, new Date(), new Date(System.currentTimeMillis() + 86_400_000L),
        new X500Name("CN=Stranger"), stranger.getPublic());
    Path pem = dir.resolve("stranger.pem");
    Files.writeString(pem, Pem.encode(new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(stranger.getPrivate())))));
    Cli.assertOneLineFailure(token.run("import-cert", "--label", "stranger", "--in", pem.toString()), 1,
        "no key on token '" + token.label() + "' matches the certificate's public key; give --id");
  }

  @Test
  void importCert_notACertificateIsAUsageError() {
    Cli.assertOneLineFailure(token.run("import-cert", "--label", "x", "--in", token.soPinFile().toString()), 2,
        "not an X.509 certificate");
  }

  @Test
  void importCert_missingFileIsAUsageError() {
    Cli.assertOneLineFailure(token.run("import-cert", "--label", "x", "--in", dir.resolve("absent.pem").toString()),
        2, "cannot read", "absent.pem");
  }

  @Test
  void exportCert_roundTripsTheImportedCertificate() throws Exception {
    token.run("import-cert", "--label", "round-trip", "--in", issuedPem.toString()).requireSuccess();
    Path out = dir.resolve("exported.pem");
    token.run("export-cert", "--label", "round-trip", "--out", out.toString()).requireSuccess();
    assertArrayEquals(Pem.readCertificate(issuedPem).getEncoded(), Pem.readCertificate(out).getEncoded());
    String stdout = token.run("export-cert", "--label", "round-trip").requireSuccess().out();
    assertEquals(Files.readString(out), stdout);
    assertTrue(stdout.startsWith("-----BEGIN CERTIFICATE-----"), stdout);
  }

  @Test
  void exportCert_missingLabelFails() {
    Cli.assertOneLineFailure(token.run("export-cert", "--label", "nope"), 1, "no certificate labelled 'nope'",
        token.label());
  }
}
