package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Pkcs10CommandTest {

  @TempDir
  Path dir;
  Path password;
  TestTokens token;

  @BeforeAll
  void setUp(@TempDir Path shared) {
    password = Fixtures.secretFile(shared, "p12.pass", "csr-key-pass");
    token = TestTokens.create(shared, "p10");
  }

  static boolean selfSignatureVerifies(PKCS10CertificationRequest csr) throws Exception {
    return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(new BouncyCastleProvider())
        .build(csr.getSubjectPublicKeyInfo()));
  }

  @Test
  void pkcs10_newSoftwareKey_selfSignatureVerifies_andCarriesTheDnsNames() throws Exception {
    Path out = dir.resolve("web.der");
    Cli.run("pkcs10", "--new-key", "rsa:2048", "--key-p12", dir.resolve("web.p12").toString(), "--password-file",
        password.toString(), "--subject", "CN=www.example.com,O=Example", "--dns", "www.example.com,example.com",
        "--out", out.toString()).requireSuccess();
    PKCS10CertificationRequest csr = new PKCS10CertificationRequest(Files.readAllBytes(out));
    assertTrue(selfSignatureVerifies(csr));
    assertEquals("1.2.840.113549.1.1.11", csr.getSignatureAlgorithm().getAlgorithm().getId(), "sha256WithRSA");
    GeneralNames sans = GeneralNames.fromExtensions(csr.getRequestedExtensions(), Extension.subjectAlternativeName);
    assertEquals(List.of("www.example.com", "example.com"), List.of(sans.getNames()).stream()
        .peek(n -> assertEquals(GeneralName.dNSName, n.getTagNo())).map(n -> n.getName().toString()).toList());
  }

  @Test
  void pkcs10_tokenKey_selfSignatureVerifies_andOpensslAgrees() throws Exception {
    Path out = dir.resolve("token.csr");
    Cli.run(token.command("pkcs10", "--new-key", "ec:P-256", "--key-label", "tls", "--subject", "CN=tls.example",
        "--pem", "--out", out.toString())).requireSuccess();
    PKCS10CertificationRequest csr;
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(out)))) {
      csr = (PKCS10CertificationRequest) parser.readObject();
    }
    assertTrue(selfSignatureVerifies(csr));
    assertEquals("1.2.840.10045.4.3.2", csr.getSignatureAlgorithm().getAlgorithm().getId(), "ecdsa-with-SHA256");
    String openssl = Openssl.run("req", "-in", out.toString(), "-verify", "-noout");
    assertTrue(openssl.contains("verify OK"), openssl);
  }

  @Test
  void pkcs10_badDnsName_failsBeforeAnyKeyIsMade() {
    Path p12 = dir.resolve("never.p12");
    Cli.assertOneLineFailure(Cli.run("pkcs10", "--new-key", "rsa:2048", "--key-p12", p12.toString(),
        "--password-file", password.toString(), "--subject", "CN=x", "--dns", "not a name", "--out",
        dir.resolve("never.der").toString()), 2, "not a DNS name");
    assertTrue(Files.notExists(p12));
  }
}
