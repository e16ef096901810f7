package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers;
import org.bouncycastle.asn1.crmf.CertReqMessages;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.crmf.CertificateRequestMessage;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.CmcRequestParser;
import org.p11ca.ca.cmc.PopLinkWitnessV2;
import org.p11ca.ca.cmc.SignerIdentifier;
import org.p11ca.ca.cmc.TaggedRequest;

/**
 * request --pop-link-witness-v2 (RFC 5272 section 6.3.1), identityProofV2 with a signer, Dogtag's CMCRequest cfg
 * keys for both, where the shared secret may come from, and the refusals. The popLinkWitnessV2 sits inside the
 * rebuilt request, whose own signature is checked; identityProofV2 then covers the rebuilt request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedSecretControlsTest {

  static final String SECRET = SelfSignedRequestTest.SECRET;
  static final String SUBJECT = SelfSignedRequestTest.SUBJECT;
  /** Set by client/pom.xml for the test JVM. */
  static final String SECRET_VARIABLE = "P11CA_TEST_SHARED_SECRET";

  @TempDir
  Path dir;
  Path password;
  Path secretFile;
  Path bobPassword;
  X509Certificate bob;
  final AtomicLong files = new AtomicLong();

  @BeforeAll
  void setUp(@TempDir Path shared) {
    password = Fixtures.secretFile(shared, "p12.pass", "pop-link-pass");
    secretFile = Fixtures.secretFile(shared, "dave.secret", SECRET);
    bobPassword = Fixtures.secretFile(shared, "bob.pass", Fixtures.BOB_P12_PASSWORD);
    bob = Pem.readCertificate(Fixtures.file("ca/user-bob.pem"), "bob");
  }

  Path file(String name) {
    return dir.resolve(files.incrementAndGet() + "-" + name);
  }

  SelfSignedRequestTest.KeyAndRequest newRequest(String command, String keyType, String... more) {
    Path p12 = file(command + ".p12");
    Path request = file(command + ".der");
    List<String> args = new ArrayList<>(List.of(command, "--subject", SUBJECT, "--new-key", keyType, "--key-p12",
        p12.toString(), "--password-file", password.toString(), "--out", request.toString()));
    args.addAll(List.of(more));
    Cli.run(args.toArray(String[]::new)).requireSuccess();
    return new SelfSignedRequestTest.KeyAndRequest(p12, request);
  }

  /** --self-signed with identityProofV2 and popLinkWitnessV2, as Dogtag's cmc/e fixtures were made. */
  Cli.Result popLinked(SelfSignedRequestTest.KeyAndRequest k, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("request", "--in", k.request().toString(), "--self-signed",
        "--key-p12", k.p12().toString(), "--password-file", password.toString(), "--identification", "dave",
        "--identity-proof-v2", "--pop-link-witness-v2", "--shared-secret-file", secretFile.toString(), "--out",
        out.toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  CmcRequest parse(Path out) throws Exception {
    return CmcRequestParser.parse(Files.readAllBytes(out));
  }

  static boolean crmfPopVerifies(CertReqMsg msg) throws Exception {
    CertificateRequestMessage m = new CertificateRequestMessage(msg);
    return m.getProofOfPossessionType() == CertificateRequestMessage.popSigningKey
        && m.isValidSigningKeyPOP(new JcaContentVerifierProviderBuilder().build(
            SharedSecretWitnesses.publicKey(msg.getCertReq().getCertTemplate().getPublicKey())));
  }

  static boolean csrSignatureVerifies(PKCS10CertificationRequest csr) throws Exception {
    return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(
        SharedSecretWitnesses.publicKey(csr.getSubjectPublicKeyInfo())));
  }

  /** The witness once more with the JDK alone: PBKDF2-HMAC-SHA256 over the secret, or Dogtag's bare hash. */
  static byte[] jdkWitness(PopLinkWitnessV2 witness, byte[] random) throws Exception {
    if (PKCSObjectIdentifiers.id_PBKDF2.equals(witness.keyGenAlgorithm().getAlgorithm())) {
      PBKDF2Params params = PBKDF2Params.getInstance(witness.keyGenAlgorithm().getParameters());
      byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(new PBEKeySpec(
          SECRET.toCharArray(), params.getSalt(), params.getIterationCount().intValueExact(), 256)).getEncoded();
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(random);
    }
    return SharedSecretWitnesses.dogtagMac("SHA-256", "HmacSHA256", SECRET, "dave", random);
  }

  static Stream<Arguments> formatsKeysAndKeyGens() {
    return Stream.of(
        Arguments.of("crmf", "rsa:2048", "SHA-256"),
        Arguments.of("crmf", "ec:P-256", "PBKDF2"),
        Arguments.of("pkcs10", "ec:P-256", "SHA-256"),
        Arguments.of("pkcs10", "rsa:2048", "PBKDF2"));
  }

  @ParameterizedTest(name = "{0} {1}, keyGen {2}")
  @MethodSource("formatsKeysAndKeyGens")
  void popLinkWitnessV2_inTheRebuiltRequest_verifiesAgainstPopLinkRandom_andTheRequestIsReSigned(String command,
      String keyType, String keyGen) throws Exception {
    SelfSignedRequestTest.KeyAndRequest k = newRequest(command, keyType, "--ski");
    Path out = file("linked.cmc");
    Cli.Result r = popLinked(k, out, "--pop-link-keygen", keyGen).requireSuccess();
    CmcRequest request = parse(out);

    assertEquals(64, request.pkiData().popLinkRandom().orElseThrow().length);
    PopLinkWitnessV2 witness = SharedSecretWitnesses.assertPopLinkVerifies(request, SECRET);
    assertArrayEquals(jdkWitness(witness, request.pkiData().popLinkRandom().orElseThrow()), witness.witness());
    assertEquals(PKCSObjectIdentifiers.id_hmacWithSHA256, witness.macAlgorithm().getAlgorithm());
    if (keyGen.equals("PBKDF2")) {
      PBKDF2Params params = PBKDF2Params.getInstance(witness.keyGenAlgorithm().getParameters());
      assertEquals(16, params.getSalt().length);
      assertEquals(100_000, params.getIterationCount().intValueExact());
      assertEquals(PKCSObjectIdentifiers.id_hmacWithSHA256, params.getPrf().getAlgorithm(), "the MAC's HMAC");
    } else {
      assertEquals(NISTObjectIdentifiers.id_sha256, witness.keyGenAlgorithm().getAlgorithm());
    }

    TaggedRequest tagged = request.pkiData().requests().get(0);
    if (tagged instanceof TaggedRequest.Crmf crmf) {
      assertTrue(crmfPopVerifies(crmf.msg()), "the POP, redone over the CertRequest with the witness");
      CertReqMsg original = CertReqMessages.getInstance(Files.readAllBytes(k.request())).toCertReqMsgArray()[0];
      assertArrayEquals(original.getCertReq().getCertTemplate().getEncoded(),
          crmf.msg().getCertReq().getCertTemplate().getEncoded(), "the template as it was");
      assertTrue(r.out().contains("popLinkWitnessV2: " + (keyGen.equals("PBKDF2")
          ? "PBKDF2 (hmacWithSHA256, 100000 iterations, 16-octet salt)" : "SHA-256")
          + " / hmacWithSHA256 over popLinkRandom (64 octets), in CRMF controls, POP re-signed"), r.out());
    } else {
      PKCS10CertificationRequest csr = ((TaggedRequest.Pkcs10) tagged).csr();
      assertTrue(csrSignatureVerifies(csr), "the CSR, signed again with the witness attribute");
      PKCS10CertificationRequest original = new PKCS10CertificationRequest(Files.readAllBytes(k.request()));
      assertEquals(original.getSubject(), csr.getSubject());
      assertArrayEquals(original.getRequestedExtensions().getEncoded(), csr.getRequestedExtensions().getEncoded(),
          "extensionRequest kept");
      assertTrue(r.out().contains("as a PKCS#10 attribute, CSR re-signed"), r.out());
    }
    // identityProofV2 is computed over reqSequence, which holds the rebuilt request with its witness.
    SharedSecretWitnesses.assertIdentityProofVerifies(request, SECRET);
    SharedSecretWitnesses.assertSignedByTheRequestKey(request);
    SharedSecretWitnesses.assertTheCaAccepts(request, SECRET);
    SharedSecretWitnesses.assertNoSecret(r, SECRET);
  }

  @Test
  void popLinkWitnessV2_crmf_keepsTheControlsAlreadyThere_andSignsThemAgainWithTheWitness() throws Exception {
    SelfSignedRequestTest.KeyAndRequest k = newRequest("crmf", "rsa:2048", "--transport",
        Fixtures.path("ca/kra-transport.pem"));
    Path out = file("archival-linked.cmc");
    popLinked(k, out).requireSuccess();
    TaggedRequest.Crmf crmf = (TaggedRequest.Crmf) parse(out).pkiData().requests().get(0);
    AttributeTypeAndValue[] controls = crmf.msg().getCertReq().getControls().toAttributeTypeAndValueArray();
    assertEquals(2, controls.length);
    CertReqMsg original = CertReqMessages.getInstance(Files.readAllBytes(k.request())).toCertReqMsgArray()[0];
    assertEquals(CRMFObjectIdentifiers.id_regCtrl_pkiArchiveOptions, controls[0].getType());
    assertArrayEquals(original.getCertReq().getControls().toAttributeTypeAndValueArray()[0].getEncoded(),
        controls[0].getEncoded(), "the archival control, unchanged and first");
    assertEquals(CmcObjectIds.POP_LINK_WITNESS_V2, controls[1].getType());
    assertTrue(crmfPopVerifies(crmf.msg()));
  }

  @Test
  void popLinkWitnessV2_pkcs10_keepsExtensionRequestWithItsSubjectAltName() throws Exception {
    SelfSignedRequestTest.KeyAndRequest k = newRequest("pkcs10", "rsa:2048", "--dns", "dave.example");
    Path out = file("san-linked.cmc");
    popLinked(k, out).requireSuccess();
    PKCS10CertificationRequest csr = ((TaggedRequest.Pkcs10) parse(out).pkiData().requests().get(0)).csr();
    assertEquals(new GeneralNames(new GeneralName(GeneralName.dNSName, "dave.example")),
        GeneralNames.fromExtensions(csr.getRequestedExtensions(), Extension.subjectAlternativeName));
    assertEquals(2, csr.getAttributes().length, "extensionRequest and popLinkWitnessV2");
    assertTrue(csrSignatureVerifies(csr));
  }

  /** With a signer, the requested key only re-signs the request; Bob signs the CMC request. */
  @Test
  void popLinkWitnessV2_andIdentityProofV2_withASigner() throws Exception {
    SelfSignedRequestTest.KeyAndRequest k = newRequest("crmf", "rsa:2048");
    Path out = file("bob-linked.cmc");
    Cli.Result r = Cli.run("request", "--in", k.request().toString(), "--signer-p12",
        Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(), "--key-p12", k.p12().toString(),
        "--key-password-file", password.toString(), "--identification", "dave", "--identity-proof-v2",
        "--pop-link-witness-v2", "--shared-secret-file", secretFile.toString(), "--out", out.toString())
        .requireSuccess();
    CmcRequest request = parse(out);
    assertTrue(request.signature().orElseThrow().verify(bob.getPublicKey()).isValid());
    assertInstanceOf(SignerIdentifier.IssuerAndSerial.class, request.signature().orElseThrow().signer());
    SharedSecretWitnesses.assertPopLinkVerifies(request, SECRET);
    SharedSecretWitnesses.assertIdentityProofVerifies(request, SECRET);
    assertTrue(crmfPopVerifies(((TaggedRequest.Crmf) request.pkiData().requests().get(0)).msg()));
    assertTrue(r.out().contains("signed by UID=bob,O=Example"), r.out());
  }

  // ---- Dogtag's cfg ----

  /** cmc/e_selfsigned_dave_idpv2_plwv2_*.cfg with our own request and key (dave's key is in the generator's NSS). */
  Path dogtagCfg(Path input, Path output, String format, String... extra) throws Exception {
    List<String> lines = new ArrayList<>(List.of("numRequests=1", "input=" + input, "output=" + output,
        "tokenname=internal", "dbdir=./nssdb-work/nssdb", "password=Secret.123", "format=" + format,
        "request.useSharedSecret=true", "request.privKeyId=-5fb5b46fd8d853ee8e490bcc69406cfbbad48156",
        "identityProofV2.enable=true", "identityProofV2.hashAlg=SHA-256", "identityProofV2.macAlg=SHA-256-HMAC",
        "popLinkWitnessV2.enable=true", "popLinkWitnessV2.keyGenAlg=SHA-256", "popLinkWitnessV2.macAlg=SHA-256-HMAC",
        "witness.sharedSecret=" + SECRET, "identification.enable=true", "identification=dave",
        "senderNonce.enable=true"));
    lines.addAll(Arrays.asList(extra));
    return Files.write(file("CMCRequest.cfg"), lines);
  }

  @ParameterizedTest
  @ValueSource(strings = {"crmf", "pkcs10"})
  void dogtagCfg_sharedSecretRequest_buildsWhatTheFixturesCfgAsksFor(String format) throws Exception {
    SelfSignedRequestTest.KeyAndRequest k = newRequest(format, "rsa:2048", "--ski");
    Path out = file("from-cfg.cmc");
    Path cfg = dogtagCfg(k.request(), out, format);
    Cli.Result r = Cli.run("request", "--config", cfg.toString(), "--key-p12", k.p12().toString(),
        "--password-file", password.toString()).requireSuccess();
    CmcRequest request = parse(out);
    SharedSecretWitnesses.assertSignedByTheRequestKey(request);
    assertInstanceOf(SignerIdentifier.SubjectKeyId.class, request.signature().orElseThrow().signer());
    assertEquals("dave", request.pkiData().identification().orElseThrow());
    assertEquals(NISTObjectIdentifiers.id_sha256, SharedSecretWitnesses.assertIdentityProofVerifies(request, SECRET)
        .proofAlgorithm().getAlgorithm());
    assertEquals(NISTObjectIdentifiers.id_sha256, SharedSecretWitnesses.assertPopLinkVerifies(request, SECRET)
        .keyGenAlgorithm().getAlgorithm());
    TaggedRequest tagged = request.pkiData().requests().get(0);
    assertTrue(tagged instanceof TaggedRequest.Crmf c ? crmfPopVerifies(c.msg())
        : csrSignatureVerifies(((TaggedRequest.Pkcs10) tagged).csr()));
    SharedSecretWitnesses.assertTheCaAccepts(request, SECRET);
    assertTrue(SharedSecretWitnesses.line(r, "identityProofV2: ").isPresent(), r.out());
    assertTrue(SharedSecretWitnesses.line(r, "popLinkWitnessV2: ").isPresent(), r.out());
    SharedSecretWitnesses.assertNoSecret(r, SECRET);
  }

  @Test
  void dogtagCfg_secretOptionOnTheCommandLine_winsOverWitnessSharedSecret() throws Exception {
    SelfSignedRequestTest.KeyAndRequest k = newRequest("crmf", "rsa:2048", "--ski");
    Path out = file("cfg-override.cmc");
    Path cfg = Files.writeString(file("override.cfg"), Files.readString(dogtagCfg(k.request(), out, "crmf"))
        .replace("witness.sharedSecret=" + SECRET, "witness.sharedSecret=Not-This-One.1"));
    Cli.Result r = Cli.run("request", "--config", cfg.toString(), "--key-p12", k.p12().toString(),
        "--password-file", password.toString(), "--shared-secret-file", secretFile.toString()).requireSuccess();
    CmcRequest request = parse(out);
    SharedSecretWitnesses.assertIdentityProofVerifies(request, SECRET);
    SharedSecretWitnesses.assertPopLinkVerifies(request, SECRET);
    SharedSecretWitnesses.assertNoSecret(r, "Not-This-One.1");
  }

  @Test
  void dogtagCfg_controlStillNotBuilt_isRefusedByName() throws Exception {
    SelfSignedRequestTest.KeyAndRequest k = newRequest("crmf", "rsa:2048");
    Path cfg = dogtagCfg(k.request(), file("never.cmc"), "crmf", "revRequest.enable=true");
    Cli.assertOneLineFailure(Cli.run("request", "--config", cfg.toString(), "--key-p12", k.p12().toString(),
        "--password-file", password.toString()), 2, "revRequest.enable=true", "not supported");
  }

  // ---- where the secret comes from ----

  @Test
  void sharedSecret_fromTheEnvironment() throws Exception {
    String secret = System.getenv(SECRET_VARIABLE);
    assertNotNull(secret, SECRET_VARIABLE + " is set by client/pom.xml: run the tests through Maven");
    SelfSignedRequestTest.KeyAndRequest k = newRequest("pkcs10", "ec:P-256");
    Path out = file("env.cmc");
    Cli.Result r = Cli.run("request", "--in", k.request().toString(), "--self-signed", "--key-p12",
        k.p12().toString(), "--password-file", password.toString(), "--identification", "dave",
        "--identity-proof-v2", "--pop-link-witness-v2", "--shared-secret-env", SECRET_VARIABLE, "--out",
        out.toString()).requireSuccess();
    SharedSecretWitnesses.assertIdentityProofVerifies(parse(out), secret);
    SharedSecretWitnesses.assertPopLinkVerifies(parse(out), secret);
    SharedSecretWitnesses.assertNoSecret(r, secret);
  }

  @Test
  void sharedSecret_onTheCommandLine_isRefused_withoutEchoingIt() {
    Cli.Result r = Cli.run("request", "--in", "x.der", "--identity-proof-v2", "--identification", "dave",
        "--shared-secret", SECRET, "--out", "y.der");
    Cli.assertOneLineFailure(r, 2, "never accepted on the command line", "--shared-secret-file");
    SharedSecretWitnesses.assertNoSecret(r, SECRET);
  }

  @Test
  void sharedSecret_emptyFile_isRefused() throws Exception {
    SelfSignedRequestTest.KeyAndRequest k = newRequest("crmf", "rsa:2048");
    Path empty = Files.writeString(file("empty.secret"), "\n");
    Path out = file("never.cmc");
    Cli.assertOneLineFailure(Cli.run("request", "--in", k.request().toString(), "--self-signed", "--key-p12",
        k.p12().toString(), "--password-file", password.toString(), "--identification", "dave",
        "--identity-proof-v2", "--shared-secret-file", empty.toString(), "--out", out.toString()), 1,
        "empty shared secret");
    assertFalse(Files.exists(out));
  }

  // ---- refusals before anything is read ----

  Cli.Result signedByBob(String... more) {
    List<String> args = new ArrayList<>(List.of("request", "--in", Fixtures.path("crmf/bob_popsuccess_rsa2048.der"),
        "--signer-p12", Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(), "--out",
        file("never.cmc").toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void identityProofV2_withoutIdentification_isRefused() {
    Cli.Result r = signedByBob("--identity-proof-v2", "--shared-secret-file", secretFile.toString());
    Cli.assertOneLineFailure(r, 2, "--identity-proof-v2 needs --identification", "finds the shared secret");
    SharedSecretWitnesses.assertNoSecret(r, SECRET);
  }

  @Test
  void popLinkWitnessV2_withoutIdentification_isRefused() {
    Cli.assertOneLineFailure(signedByBob("--pop-link-witness-v2", "--shared-secret-file", secretFile.toString()), 2,
        "--pop-link-witness-v2 needs --identification");
  }

  @Test
  void identityProofV2_withoutASecret_isRefused() {
    Cli.assertOneLineFailure(signedByBob("--identity-proof-v2", "--identification", "dave"), 2,
        "needs the shared secret", "--shared-secret-file FILE");
  }

  @Test
  void popLinkWitnessV2_withoutTheRequestedKey_isRefused() {
    Cli.assertOneLineFailure(signedByBob("--pop-link-witness-v2", "--identification", "dave",
        "--shared-secret-file", secretFile.toString()), 2, "--pop-link-witness-v2 re-signs the request",
        "--key-p12 FILE");
  }

  @Test
  void popLinkWitnessV2_withNeitherASignerNorSelfSigned_isRefusedBeforeTheKeyIsOpened() {
    SelfSignedRequestTest.KeyAndRequest k = newRequest("crmf", "rsa:2048");
    // A password file that does not exist: had the key been opened, that would be the (exit 1) failure.
    Cli.assertOneLineFailure(Cli.run("request", "--in", k.request().toString(), "--key-p12", k.p12().toString(),
        "--key-password-file", dir.resolve("no-such.pass").toString(), "--identification", "dave",
        "--pop-link-witness-v2", "--shared-secret-file", secretFile.toString(), "--out", file("never.cmc").toString()),
        2, "give the CMC signer", "or --self-signed");
  }

  @Test
  void sharedSecretControls_withDecryptedPop_areRefused() {
    Cli.assertOneLineFailure(signedByBob("--decrypted-pop", "--response", "round1.der", "--identity-proof-v2"), 2,
        "do not go with --decrypted-pop");
  }

  @Test
  void unknownAlgorithms_areUsageErrors_namingTheOption() {
    Cli.assertOneLineFailure(signedByBob("--identity-proof-v2", "--identification", "dave", "--shared-secret-file",
        secretFile.toString(), "--id-proof-hash", "MD5"), 2, "--id-proof-hash", "MD5");
    Cli.assertOneLineFailure(signedByBob("--identity-proof-v2", "--identification", "dave", "--shared-secret-file",
        secretFile.toString(), "--id-proof-mac", "SHA-1-HMAC"), 2, "--id-proof-mac", "SHA-1-HMAC");
    Cli.assertOneLineFailure(signedByBob("--pop-link-witness-v2", "--identification", "dave",
        "--shared-secret-file", secretFile.toString(), "--pop-link-keygen", "scrypt"), 2, "--pop-link-keygen",
        "PBKDF2");
  }

  @Test
  void optionsOfAControlNotAskedFor_areRefused() {
    Cli.assertOneLineFailure(signedByBob("--id-proof-hash", "SHA-512"), 2, "only go with --identity-proof-v2");
    Cli.assertOneLineFailure(signedByBob("--pop-link-keygen", "PBKDF2"), 2, "only go with --pop-link-witness-v2");
    Cli.assertOneLineFailure(signedByBob("--shared-secret-file", secretFile.toString()), 2,
        "only go with --identity-proof-v2 or --pop-link-witness-v2");
  }
}
