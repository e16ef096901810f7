package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.p11ca.hsm.Backend;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CsrCommandTest {

  Path dir;
  CliToken token;

  @BeforeAll
  void createTokenWithKeys(@TempDir Path dir) {
    this.dir = dir;
    token = CliToken.create(dir, "csr");
    token.run("generate-key", "--label", "rsa", "--type", "rsa2048", "--purpose", "ca").requireSuccess();
    token.run("generate-key", "--label", "ec", "--type", "ec-p384", "--purpose", "tls").requireSuccess();
  }

  static PKCS10CertificationRequest parse(String pem) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return (PKCS10CertificationRequest) parser.readObject();
    }
  }

  static boolean signatureValid(PKCS10CertificationRequest csr) throws Exception {
    return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(new BouncyCastleProvider())
        .build(csr.getSubjectPublicKeyInfo()));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void csr_rsaRequestIsSignedByTheKey(Backend backend) throws Exception {
    PKCS10CertificationRequest csr = parse(token.run(backend, "csr", "--key", "rsa", "--subject",
        "CN=Issuing CA,O=p11ca").requireSuccess().out());
    assertTrue(signatureValid(csr));
    assertEquals("1.2.840.113549.1.1.11", csr.getSignatureAlgorithm().getAlgorithm().getId(), "sha256WithRSA");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void csr_ecRequestIsSignedByTheKey(Backend backend) throws Exception {
    Path out = dir.resolve("ec-" + backend.name().toLowerCase(Locale.ROOT) + ".csr");
    Cli.Result result = token.run(backend, "csr", "--key", "ec", "--subject", "CN=tls.example", "--out",
        out.toString()).requireSuccess();
    assertTrue(result.out().contains("written to " + out), result.out());
    PKCS10CertificationRequest csr = parse(Files.readString(out));
    assertTrue(signatureValid(csr));
    String openssl = SelfSignedCaCommandTest.openssl("req", "-in", out.toString(), "-verify", "-noout");
    assertTrue(openssl.contains("verify OK"), openssl);
    assertEquals("1.2.840.10045.4.3.3", csr.getSignatureAlgorithm().getAlgorithm().getId(), "ecdsa-with-SHA384");
  }

  @Test
  void csr_carriesTheSubjectAndTheKeysPublicKey() throws Exception {
    PKCS10CertificationRequest csr = parse(token.run("csr", "--key", "ec", "--subject", "CN=tls.example,O=p11ca")
        .requireSuccess().out());
    assertEquals(X500Name.getInstance(new javax.security.auth.x500.X500Principal("CN=tls.example,O=p11ca")
        .getEncoded()), csr.getSubject());
    String selfSigned = token.run("self-signed-ca", "--key", "ec", "--subject", "CN=x").requireSuccess().out();
    assertEquals(SelfSignedCaCommandTest.parse(selfSigned).getPublicKey(),
        new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(csr).getPublicKey());
  }

  @Test
  void csr_pssRequestVerifies() throws Exception {
    PKCS10CertificationRequest csr = parse(token.run("csr", "--key", "rsa", "--subject", "CN=pss",
        "--signature-algorithm", "SHA384withRSAandMGF1").requireSuccess().out());
    assertTrue(signatureValid(csr));
  }

  @Test
  void csr_missingKeyFails() {
    Cli.assertOneLineFailure(token.run("csr", "--key", "nope", "--subject", "CN=x"), 1,
        "no private key with label 'nope'");
  }
}
