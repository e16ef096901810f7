package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.crmf.CertReqMessages;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.cmc.CmcRequestParser;

/** import-cert puts the issued certificate beside its key, so a new key becomes a CMC signer and TLS client key. */
class ImportCertCommandTest {

  @TempDir
  Path dir;
  Path password;
  TestPki pki;

  @BeforeEach
  void setUp() throws Exception {
    password = Files.writeString(dir.resolve("p12.pass"), "import-test-pass\n");
    pki = new TestPki("CN=Import Test CA,O=Example");
  }

  /** A new key in a PKCS#12 (with its stand-in certificate) and a certificate the test CA issued for it. */
  private Path newKeyAndCertificate(Path p12, Path certPem) throws Exception {
    Path crmf = dir.resolve("req-" + p12.getFileName() + ".der");
    Cli.run("crmf", "--new-key", "rsa:2048", "--key-p12", p12.toString(), "--password-file", password.toString(),
        "--subject", "UID=carol,O=Example", "--out", crmf.toString()).requireSuccess();
    SubjectPublicKeyInfo spki = CertReqMessages.getInstance(Files.readAllBytes(crmf)).toCertReqMsgArray()[0]
        .getCertReq().getCertTemplate().getPublicKey();
    PublicKey key = java.security.KeyFactory.getInstance("RSA").generatePublic(
        new X509EncodedKeySpec(spki.getEncoded()));
    TestPki.pem(certPem, pki.issue("UID=carol,O=Example", key, null));
    return crmf;
  }

  @Test
  void importCert_replacesTheStandInCertificate_andTheFileThenSignsRequests() throws Exception {
    Path p12 = dir.resolve("carol.p12");
    Path cert = dir.resolve("carol.pem");
    Path crmf = newKeyAndCertificate(p12, cert);
    Path ca = pki.caPem(dir.resolve("ca.pem"));
    Cli.Result r = Cli.run("import-cert", "--key-p12", p12.toString(), "--password-file", password.toString(),
        "--cert", cert.toString(), "--chain", ca.toString()).requireSuccess();
    assertTrue(r.out().contains("Stored CN=carol") || r.out().contains("Stored UID=carol"), r.out());

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(p12)) {
      store.load(in, "import-test-pass".toCharArray());
    }
    String alias = store.aliases().nextElement();
    X509Certificate[] chain = java.util.Arrays.stream(store.getCertificateChain(alias))
        .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    assertEquals(Pem.readCertificate(cert, "cert"), chain[0]);
    assertEquals(Pem.readCertificate(ca, "ca"), chain[1]);
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p12)));

    Path cmc = dir.resolve("cmc.der");
    Cli.run("request", "--in", crmf.toString(), "--signer-p12", p12.toString(), "--password-file",
        password.toString(), "--out", cmc.toString()).requireSuccess();
    var parsed = CmcRequestParser.parse(Files.readAllBytes(cmc));
    assertTrue(parsed.signature().orElseThrow().verify(chain[0].getPublicKey()).isValid());
    assertEquals(TestPki.holder(chain[0]), parsed.signature().orElseThrow().signerCertificate().orElseThrow());
  }

  @Test
  void importCert_refusesACertificateForAnotherKey_andLeavesTheFileAlone() throws Exception {
    Path p12 = dir.resolve("dave.p12");
    newKeyAndCertificate(p12, dir.resolve("dave.pem"));
    byte[] before = Files.readAllBytes(p12);
    Path other = TestPki.pem(dir.resolve("other.pem"), pki.issue("UID=other,O=Example", TestPki.rsa().getPublic(),
        null));
    Cli.assertOneLineFailure(Cli.run("import-cert", "--key-p12", p12.toString(), "--password-file",
        password.toString(), "--cert", other.toString()), 1, "does not certify the key in");
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(p12)));
  }
}
