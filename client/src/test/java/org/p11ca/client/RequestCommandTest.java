package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.crmf.CertReqMessages;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.CmcRequestParser;
import org.p11ca.ca.cmc.SignatureCheck;
import org.p11ca.ca.cmc.SignerIdentifier;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.Token;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestCommandTest {

  private static final String BOB_NEWKEY_CRMF = "crmf/bob_popsuccess_rsa2048_newkey.der";

  @TempDir
  Path dir;
  Path bobPassword;
  X509Certificate bob;
  X509Certificate testCa;

  @BeforeAll
  void setUp(@TempDir Path shared) {
    bobPassword = Fixtures.secretFile(shared, "bob.pass", Fixtures.BOB_P12_PASSWORD);
    bob = Pem.readCertificate(Fixtures.file("ca/user-bob.pem"), "bob");
    testCa = Pem.readCertificate(Fixtures.file("ca/testca.pem"), "ca");
  }

  CmcRequest signAsBob(String input, String... more) throws Exception {
    Path out = dir.resolve("cmc-" + System.nanoTime() + ".der");
    List<String> args = new java.util.ArrayList<>(List.of("request", "--in", Fixtures.path(input), "--signer-p12",
        Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(), "--out", out.toString()));
    args.addAll(List.of(more));
    Cli.run(args.toArray(String[]::new)).requireSuccess();
    return CmcRequestParser.parse(Files.readAllBytes(out));
  }

  /** CRMFPopClient's file is CertReqMessages; CMC carries its one CertReqMsg. */
  static byte[] fixtureCertReqMsg() throws Exception {
    return CertReqMessages.getInstance(Files.readAllBytes(Fixtures.file(BOB_NEWKEY_CRMF))).toCertReqMsgArray()[0]
        .getEncoded();
  }

  @Test
  void request_crmf_parsesAndItsSignatureVerifiesWithTheSignerCertificate() throws Exception {
    CmcRequest request = signAsBob(BOB_NEWKEY_CRMF);
    SignatureCheck check = request.signature().orElseThrow().verify(bob.getPublicKey());
    assertTrue(check.isValid(), check::toString);
    assertEquals(new SignerIdentifier.IssuerAndSerial(TestPki.holder(bob).getIssuer(), bob.getSerialNumber()),
        request.signature().orElseThrow().signer());
    TaggedRequest.Crmf crmf = assertInstanceOf(TaggedRequest.Crmf.class, request.pkiData().requests().get(0));
    assertArrayEquals(fixtureCertReqMsg(), crmf.msg().getEncoded(), "the CRMF request is wrapped byte for byte");
    // Default certificates: the signer's and the chain from the PKCS#12 (Test CA).
    List<X509CertificateHolder> certs = request.signature().orElseThrow().certificates();
    assertTrue(certs.contains(TestPki.holder(bob)) && certs.contains(TestPki.holder(testCa)), certs::toString);
    assertEquals("1.2.840.113549.1.1.11", request.signature().orElseThrow().signatureAlgorithm().getAlgorithm()
        .getId(), "sha256WithRSA");
  }

  @Test
  void request_transactionId_isDogtagsFormula() throws Exception {
    BigInteger dogtags = CmcRequestParser.parse(Files.readAllBytes(Fixtures.file("cmc/b_usersigned_bob_crmf.der")))
        .pkiData().transactionId().orElseThrow();
    assertEquals(new BigInteger("538d4631274c88e6ccd0c9e665e49284", 16), dogtags, "README/VERIFY value");
    assertEquals(dogtags, signAsBob(BOB_NEWKEY_CRMF).pkiData().transactionId().orElseThrow());
  }

  @Test
  void request_pkcs10_isDetected_andGetsDogtagsTransactionId() throws Exception {
    CmcRequest request = signAsBob("p10/frank_rsa2048.b64");
    assertInstanceOf(TaggedRequest.Pkcs10.class, request.pkiData().requests().get(0));
    BigInteger dogtags = CmcRequestParser.parse(Files.readAllBytes(Fixtures.file("cmc/f_agent_p10_frank.der")))
        .pkiData().transactionId().orElseThrow();
    assertEquals(dogtags, request.pkiData().transactionId().orElseThrow());
  }

  @Test
  void request_dogtagNonce_isBase64TextEndingInCrlf() throws Exception {
    byte[] nonce = signAsBob(BOB_NEWKEY_CRMF, "--dogtag-nonce").pkiData().senderNonce().orElseThrow();
    assertEquals(46, nonce.length);
    String text = new String(nonce, StandardCharsets.US_ASCII);
    assertTrue(text.endsWith("\r\n"), text);
    assertEquals(32, java.util.Base64.getDecoder().decode(text.strip()).length);
    assertEquals(32, signAsBob(BOB_NEWKEY_CRMF).pkiData().senderNonce().orElseThrow().length, "raw by default");
  }

  @Test
  void request_explicitTransactionId_andNone() throws Exception {
    assertEquals(BigInteger.valueOf(0x2d), signAsBob(BOB_NEWKEY_CRMF, "--transaction-id", "0x2D").pkiData()
        .transactionId().orElseThrow());
    assertTrue(signAsBob(BOB_NEWKEY_CRMF, "--no-transaction-id").pkiData().transactionId().isEmpty());
  }

  @Test
  void request_readsDogtagsCmcRequestCfg_withOptionsOverridingIt() throws Exception {
    Path out = dir.resolve("from-cfg.der");
    // Run from the fixture root, as the cfg's relative paths expect; --out keeps the fixture's own output intact.
    Cli.Result r = Cli.runIn(Fixtures.root(), "request", "--config", "cmc/b_usersigned_bob_crmf.cfg",
        "--signer-p12", "ca/user-bob.p12", "--password-file", bobPassword.toString(), "--out", out.toString())
        .requireSuccess();
    assertTrue(r.out().contains("signed by UID=bob,O=Example"), r.out());
    CmcRequest request = CmcRequestParser.parse(Files.readAllBytes(out));
    assertTrue(request.signature().orElseThrow().verify(bob.getPublicKey()).isValid());
    // input=crmf/bob_popsuccess_rsa2048_newkey.b64 (base64), format=crmf, transactionMgt.enable=true.
    TaggedRequest.Crmf crmf = assertInstanceOf(TaggedRequest.Crmf.class, request.pkiData().requests().get(0));
    assertArrayEquals(fixtureCertReqMsg(), crmf.msg().getEncoded());
    assertEquals(new BigInteger("538d4631274c88e6ccd0c9e665e49284", 16),
        request.pkiData().transactionId().orElseThrow());
  }

  @Test
  void request_cfgAskingForAControlNotBuiltYet_isRefusedByName() throws Exception {
    Path cfg = Files.writeString(dir.resolve("get-cert.cfg"), "input=" + Fixtures.path(BOB_NEWKEY_CRMF)
        + "\ngetCert.enable=true\n");
    Cli.Result r = Cli.run("request", "--config", cfg.toString(), "--signer-p12", Fixtures.path("ca/user-bob.p12"),
        "--password-file", bobPassword.toString(), "--out", dir.resolve("never.der").toString());
    Cli.assertOneLineFailure(r, 2, "getCert.enable=true", "not supported");
  }

  /** request.useSharedSecret=true means a self-signed request: a signer given as well is refused. */
  @Test
  void request_cfgUseSharedSecret_withASigner_isRefused() {
    Cli.Result r = Cli.runIn(Fixtures.root(), "request", "--config", "cmc/d_selfsigned_dave_idpv2_sha256.cfg",
        "--signer-p12", "ca/user-bob.p12", "--password-file", bobPassword.toString(), "--out",
        dir.resolve("never.der").toString());
    Cli.assertOneLineFailure(r, 2, "--self-signed signs with the requested key", "--signer-p12");
  }

  @Test
  void request_signerOnToken_withItsCertificateFromTheToken_verifies(@TempDir Path tokenDir) throws Exception {
    TestPki pki = new TestPki("CN=Token Test CA,O=Example");
    TestTokens tokens = TestTokens.create(tokenDir, "req-signer");
    X509Certificate cert;
    try (Token t = tokens.open(Backend.IAIK)) {
      KeyHandle key = t.generateKeyPair(new KeyPairSpec.Ec(org.p11ca.hsm.EcCurve.P256),
          KeyAttributes.persistent("agent", ObjectId.parseHex("a1"), KeyUsage.SIGN));
      cert = pki.issue("UID=agent,O=Example", t.publicKey(key), null);
      t.importCertificate("agent", ObjectId.parseHex("a1"), cert);
    }
    Path out = dir.resolve("token-signed.der");
    Path chain = pki.caPem(tokenDir.resolve("ca.pem"));
    Cli.run(tokens.command("request", "--signer-label", "agent", "--chain", chain.toString(), "--in",
        Fixtures.path(BOB_NEWKEY_CRMF), "--out", out.toString())).requireSuccess();
    CmcRequest request = CmcRequestParser.parse(Files.readAllBytes(out));
    SignatureCheck check = request.signature().orElseThrow().verify(cert.getPublicKey());
    assertTrue(check.isValid(), check::toString);
    assertEquals("1.2.840.10045.4.3.2", request.signature().orElseThrow().signatureAlgorithm().getAlgorithm()
        .getId(), "ecdsa-with-SHA256");
    assertEquals(List.of(TestPki.holder(cert), pki.caHolder()), request.signature().orElseThrow().certificates());
  }

  @Test
  void request_signerCertificateOfAnotherKey_isRefusedBeforeSigning() throws Exception {
    KeyPair other = TestPki.rsa();
    TestPki pki = new TestPki("CN=Other CA");
    Path otherCert = TestPki.pem(dir.resolve("other.pem"), pki.issue("CN=someone else", other.getPublic(), null));
    Cli.assertOneLineFailure(Cli.run("request", "--in", Fixtures.path(BOB_NEWKEY_CRMF), "--signer-p12",
        Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(), "--signer-cert",
        otherCert.toString(), "--out", dir.resolve("never.der").toString()), 1, "is not the certificate of the key");
  }

  @Test
  void request_certReqIdBeyondABodyPartId_givesOneLine() throws Exception {
    org.bouncycastle.asn1.crmf.CertReqMsg msg = org.bouncycastle.asn1.crmf.CertReqMessages.getInstance(
        Files.readAllBytes(Fixtures.file(BOB_NEWKEY_CRMF))).toCertReqMsgArray()[0];
    org.bouncycastle.asn1.crmf.CertRequest big = new org.bouncycastle.asn1.crmf.CertRequest(
        new org.bouncycastle.asn1.ASN1Integer(1L << 31), msg.getCertReq().getCertTemplate(), null);
    Path file = dir.resolve("big-id.der");
    Files.write(file, new org.bouncycastle.asn1.crmf.CertReqMsg(big, null, null).getEncoded());
    Cli.assertOneLineFailure(Cli.run("request", "--in", file.toString(), "--signer-p12",
        Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(), "--out",
        dir.resolve("never.der").toString()), 1, "certReqId 2147483648 is outside 0..2147483647");
  }

  @Test
  void request_inputThatIsNoRequest_givesOneLine() throws Exception {
    Path junk = dir.resolve("junk.der");
    Files.write(junk, new org.bouncycastle.asn1.DERSequence().getEncoded());
    Cli.assertOneLineFailure(Cli.run("request", "--in", junk.toString(), "--signer-p12",
        Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(), "--out",
        dir.resolve("never.der").toString()), 1, "is not a CRMF CertReqMsg request");
  }

  /**
   * Dogtag's CRMF and PKCS#10 requests mutated structure-aware, wrapped by request: a request file (exit 0) or one
   * line (exit 1); never a usage error, an unexpected exception or a trace.
   */
  @Test
  void request_mutatedInputs_giveARequestOrOneLine() throws Exception {
    Path mutated = dir.resolve("mutated.der");
    List<String> problems = new java.util.ArrayList<>();
    long seed = 1;
    for (String input : List.of(BOB_NEWKEY_CRMF, "crmf/erin_popsuccess_ecp256.der", "p10/frank_rsa2048.der")) {
      org.p11ca.ca.testing.DerMutator mutator = new org.p11ca.ca.testing.DerMutator(seed++);
      byte[] der = Files.readAllBytes(Fixtures.file(input));
      for (int i = 0; i < 40 && problems.size() < 10; i++) {
        Files.write(mutated, mutator.mutate(der));
        Cli.Result r = Cli.run("request", "--in", mutated.toString(), "--signer-p12",
            Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(), "--out",
            dir.resolve("mutated-request.der").toString());
        if (r.exitCode() != 0 && (r.exitCode() != 1 || r.errLines().size() != 1
            || !r.err().startsWith("p11ca-cmc: "))) {
          problems.add(input + " #" + i + " (" + mutator.lastMutations() + "): exit " + r.exitCode() + ", stderr: "
              + r.err());
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  /**
   * The signer's PKCS#12 file mutated structure-aware: a request (exit 0) or one line (exit 1), never a trace (600
   * tried once: the JDK 17 reader throws a NullPointerException for a PFX without authSafe content).
   */
  @Test
  void request_mutatedSignerPkcs12_givesARequestOrOneLine() throws Exception {
    Path mutated = dir.resolve("mutated.p12");
    // Dogtag's file is BER (indefinite lengths); its DER form is the same PKCS#12 (the MAC covers the authSafe's
    // octets, which DER keeps), and DER is what the mutator splits.
    byte[] der = org.bouncycastle.asn1.ASN1Primitive.fromByteArray(Files.readAllBytes(
        Fixtures.file("ca/user-bob.p12"))).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
    org.p11ca.ca.testing.DerMutator mutator = new org.p11ca.ca.testing.DerMutator(12);
    List<String> problems = new java.util.ArrayList<>();
    for (int i = 0; i < 60 && problems.size() < 10; i++) {
      Files.write(mutated, mutator.mutate(der));
      Cli.Result r = Cli.run("request", "--in", Fixtures.path(BOB_NEWKEY_CRMF), "--signer-p12", mutated.toString(),
          "--password-file", bobPassword.toString(), "--out", dir.resolve("p12-request.der").toString());
      if (r.exitCode() != 0 && (r.exitCode() != 1 || r.errLines().size() != 1
          || !r.err().startsWith("p11ca-cmc: "))) {
        problems.add("#" + i + " (" + mutator.lastMutations() + "): exit " + r.exitCode() + ", stderr: " + r.err());
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }
}
