package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.crmf.CertReqMessages;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.CertTemplateBuilder;
import org.bouncycastle.asn1.crmf.ProofOfPossession;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.crmf.ProofOfPossessionSigningKeyBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.CmcRequestParser;
import org.p11ca.ca.cmc.IdentityProofV2;
import org.p11ca.ca.cmc.SignerIdentifier;
import org.p11ca.ca.cmc.TaggedRequest;

/**
 * request --self-signed (RFC 5272 section 3.2.1.3.2, Dogtag's request.useSharedSecret=true) with identityProofV2:
 * the CMC signature is the requested key's, the SignerInfo names it by subjectKeyIdentifier, and the identity proof
 * verifies over reqSequence. Requests and keys are made with crmf / pkcs10 --new-key in a temporary directory; the
 * results are read with ca-core's CmcRequestParser, as the CA reads them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfSignedRequestTest {

  static final String SECRET = "MySharedSecret.42";
  static final String SUBJECT = "UID=dave,O=Example";

  @TempDir
  Path dir;
  Path password;
  Path secretFile;
  Path bobPassword;
  TestTokens tokens;
  final AtomicLong files = new AtomicLong();

  @BeforeAll
  void setUp(@TempDir Path shared) {
    password = Fixtures.secretFile(shared, "p12.pass", "self-signed-pass");
    // Written with a trailing newline, as echo writes it: it is not part of the secret.
    secretFile = Fixtures.secretFile(shared, "dave.secret", SECRET);
    bobPassword = Fixtures.secretFile(shared, "bob.pass", Fixtures.BOB_P12_PASSWORD);
    tokens = TestTokens.create(shared, "self-signed");
  }

  Path file(String name) {
    return dir.resolve(files.incrementAndGet() + "-" + name);
  }

  /** A request and the PKCS#12 file holding its key. */
  record KeyAndRequest(Path p12, Path request) {
  }

  /** {@code crmf} or {@code pkcs10} with a new key in a new PKCS#12 file. */
  KeyAndRequest newRequest(String command, String keyType, String... more) {
    Path p12 = file(command + ".p12");
    Path request = file(command + ".der");
    List<String> args = new ArrayList<>(List.of(command, "--subject", SUBJECT, "--new-key", keyType, "--key-p12",
        p12.toString(), "--password-file", password.toString(), "--out", request.toString()));
    args.addAll(List.of(more));
    Cli.run(args.toArray(String[]::new)).requireSuccess();
    return new KeyAndRequest(p12, request);
  }

  Cli.Result selfSigned(KeyAndRequest k, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("request", "--in", k.request().toString(), "--self-signed",
        "--key-p12", k.p12().toString(), "--password-file", password.toString(), "--identification", "dave",
        "--identity-proof-v2", "--shared-secret-file", secretFile.toString(), "--out", out.toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  CmcRequest parse(Path out) throws Exception {
    return CmcRequestParser.parse(Files.readAllBytes(out));
  }

  static byte[] sha1OfKey(SubjectPublicKeyInfo key) throws Exception {
    return MessageDigest.getInstance("SHA-1").digest(key.getPublicKeyData().getBytes());
  }

  static Stream<Arguments> formatsAndProofs() {
    return Stream.of(
        Arguments.of("crmf", "SHA-256", "SHA-256-HMAC", "SHA-256", "HmacSHA256"),
        Arguments.of("crmf", "SHA-512", "SHA-512-HMAC", "SHA-512", "HmacSHA512"),
        Arguments.of("pkcs10", "SHA-256", "SHA-256-HMAC", "SHA-256", "HmacSHA256"),
        Arguments.of("pkcs10", "SHA-512", "SHA-512-HMAC", "SHA-512", "HmacSHA512"));
  }

  @ParameterizedTest(name = "{0}, identityProofV2 {1} / {2}")
  @MethodSource("formatsAndProofs")
  void selfSigned_identityProofV2_signedByTheRequestKey_namedByItsSki_witnessVerifies(String command, String hash,
      String mac, String jdkHash, String jdkMac) throws Exception {
    KeyAndRequest k = newRequest(command, "rsa:2048", "--ski");
    Path out = file("self.cmc");
    Cli.Result r = selfSigned(k, out, "--id-proof-hash", hash, "--id-proof-mac", mac).requireSuccess();
    CmcRequest request = parse(out);

    SharedSecretWitnesses.assertSignedByTheRequestKey(request);
    assertTrue(request.signature().orElseThrow().certificates().isEmpty(), "a self-signed request carries none");
    TaggedRequest tagged = request.pkiData().requests().get(0);
    byte[] ski = tagged instanceof TaggedRequest.Crmf c ? c.templateSubjectKeyId().orElseThrow()
        : ((TaggedRequest.Pkcs10) tagged).requestedSubjectKeyId().orElseThrow();
    assertEquals(new SignerIdentifier.SubjectKeyId(ski), request.signature().orElseThrow().signer());
    assertArrayEquals(sha1OfKey(SharedSecretWitnesses.requestKey(tagged)), ski, "--ski asks for method 1");

    IdentityProofV2 proof = SharedSecretWitnesses.assertIdentityProofVerifies(request, SECRET);
    assertArrayEquals(SharedSecretWitnesses.dogtagMac(jdkHash, jdkMac, SECRET, "dave",
        request.pkiData().encodedReqSequence()), proof.witness(), "Dogtag's derivation, recomputed with the JDK");
    assertEquals("dave", request.pkiData().identification().orElseThrow());
    assertTrue(request.pkiData().popLinkRandom().isEmpty(), "no popLinkRandom without --pop-link-witness-v2");
    SharedSecretWitnesses.assertTheCaAccepts(request, SECRET);
    // The inner request is sent as it was made: nothing in it had to change.
    byte[] original = Files.readAllBytes(k.request());
    byte[] sent = tagged instanceof TaggedRequest.Crmf c ? c.msg().getEncoded()
        : ((TaggedRequest.Pkcs10) tagged).csr().getEncoded();
    assertArrayEquals(command.equals("crmf") ? CertReqMessages.getInstance(original).toCertReqMsgArray()[0]
        .getEncoded() : original, sent);

    String hex = HexFormat.of().formatHex(ski).toUpperCase(Locale.ROOT);
    assertTrue(r.out().contains("identityProofV2: " + hash + " / hmacWith" + hash.replace("-", "")
        + " over reqSequence"), r.out());
    assertTrue(r.out().contains("signed by the requested key (self-signed, subjectKeyIdentifier 0x" + hex
        + ", the request's SubjectKeyIdentifier)"), r.out());
    SharedSecretWitnesses.assertNoSecret(r, SECRET);
    assertEquals("", r.err());
  }

  @Test
  void selfSigned_requestWithoutSki_namesSha1OfTheKey() throws Exception {
    KeyAndRequest k = newRequest("pkcs10", "ec:P-256");
    Path out = file("no-ski.cmc");
    Cli.Result r = selfSigned(k, out).requireSuccess();
    CmcRequest request = parse(out);
    SharedSecretWitnesses.assertSignedByTheRequestKey(request);
    TaggedRequest.Pkcs10 p10 = assertInstanceOf(TaggedRequest.Pkcs10.class, request.pkiData().requests().get(0));
    assertTrue(p10.requestedSubjectKeyId().isEmpty());
    assertEquals(new SignerIdentifier.SubjectKeyId(sha1OfKey(p10.csr().getSubjectPublicKeyInfo())),
        request.signature().orElseThrow().signer());
    assertEquals("1.2.840.10045.4.3.2", request.signature().orElseThrow().signatureAlgorithm().getAlgorithm()
        .getId(), "ecdsa-with-SHA256, the key's own family");
    assertTrue(r.out().contains("RFC 5280 section 4.2.1.2 method 1"), r.out());
    SharedSecretWitnesses.assertTheCaAccepts(request, SECRET);
  }

  /**
   * CRMFPopClient -y puts the raw key id octets in extnValue. The id here is not SHA-1 of the key (it is RFC 7093's
   * truncated SHA-256), so the test shows the request's own value is taken, not one computed from the key.
   */
  @Test
  void selfSigned_dogtagRawSkiInTheCrmfTemplate_isWhatTheSignerInfoNames() throws Exception {
    KeyPair key = TestPki.rsa();
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
    byte[] rawId = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(spki.getPublicKeyData().getBytes()),
        20);
    CertRequest certRequest = new CertRequest(new ASN1Integer(1), new CertTemplateBuilder().setVersion(2)
        .setSubject(SubjectName.parse(SUBJECT)).setPublicKey(spki)
        .setExtensions(new Extensions(new Extension(Extension.subjectKeyIdentifier, false, rawId))).build(), null);
    CertReqMsg msg = new CertReqMsg(certRequest, new ProofOfPossession(
        new ProofOfPossessionSigningKeyBuilder(certRequest).build(TestPki.signer(key.getPrivate()))), null);
    Path crmf = Files.write(file("raw-ski.der"), new CertReqMessages(msg).getEncoded(ASN1Encoding.DER));
    Path p12 = file("raw-ski.p12");
    Pkcs12File.writeNew(p12, "dave", key.getPrivate(), List.of(HolderCertificate.selfSigned(key,
        SubjectName.parse(SUBJECT))), "self-signed-pass".toCharArray());

    Path out = file("raw-ski.cmc");
    selfSigned(new KeyAndRequest(p12, crmf), out).requireSuccess();
    CmcRequest request = parse(out);
    assertEquals(new SignerIdentifier.SubjectKeyId(rawId), request.signature().orElseThrow().signer());
    SharedSecretWitnesses.assertSignedByTheRequestKey(request);
    SharedSecretWitnesses.assertTheCaAccepts(request, SECRET);
  }

  @Test
  void selfSigned_keyOnToken_signsThere() throws Exception {
    Path crmf = file("token.der");
    Cli.run(tokens.command("crmf", "--subject", SUBJECT, "--new-key", "ec:P-256", "--key-label", "dave", "--ski",
        "--out", crmf.toString())).requireSuccess();
    Path out = file("token.cmc");
    Cli.run(tokens.command("request", "--in", crmf.toString(), "--self-signed", "--key-label", "dave",
        "--identification", "dave", "--identity-proof-v2", "--shared-secret-file", secretFile.toString(), "--out",
        out.toString())).requireSuccess();
    CmcRequest request = parse(out);
    SharedSecretWitnesses.assertSignedByTheRequestKey(request);
    TaggedRequest.Crmf tagged = (TaggedRequest.Crmf) request.pkiData().requests().get(0);
    assertEquals(new SignerIdentifier.SubjectKeyId(tagged.templateSubjectKeyId().orElseThrow()),
        request.signature().orElseThrow().signer());
  }

  // ---- refusals ----

  @Test
  void selfSigned_withTheKeyOfAnotherRequest_isRefused_andWritesNothing() {
    KeyAndRequest k = newRequest("crmf", "rsa:2048");
    KeyAndRequest other = newRequest("crmf", "rsa:2048");
    Path out = file("never.cmc");
    Cli.Result r = selfSigned(new KeyAndRequest(other.p12(), k.request()), out);
    Cli.assertOneLineFailure(r, 1, "is not the key of the request in " + k.request(), "--self-signed");
    assertFalse(Files.exists(out));
    SharedSecretWitnesses.assertNoSecret(r, SECRET);
  }

  @Test
  void selfSigned_withASigner_isRefused() {
    KeyAndRequest k = newRequest("crmf", "rsa:2048");
    Path out = file("never.cmc");
    Cli.assertOneLineFailure(selfSigned(k, out, "--signer-p12", Fixtures.path("ca/user-bob.p12")), 2,
        "--self-signed signs with the requested key", "--signer-p12");
    assertFalse(Files.exists(out));
  }

  @Test
  void selfSigned_withoutTheRequestedKey_saysHowToGiveIt() {
    Cli.assertOneLineFailure(Cli.run("request", "--in", Fixtures.path("crmf/dave_popsuccess_ski_rsa2048.der"),
        "--self-signed", "--out", file("never.cmc").toString()), 2, "--self-signed", "--key-p12 FILE",
        "--key-label");
  }

  @Test
  void requestKeyOptions_withoutAnythingThatUsesThem_areRefused() {
    KeyAndRequest k = newRequest("crmf", "rsa:2048");
    Cli.assertOneLineFailure(Cli.run("request", "--in", k.request().toString(), "--signer-p12",
        Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(), "--key-p12", k.p12().toString(),
        "--out", file("never.cmc").toString()), 2, "only go with --decrypted-pop, --self-signed or"
        + " --pop-link-witness-v2");
  }

  /** The fixture's own cfg names dave's key by request.privKeyId in an NSS database that is not shipped. */
  @Test
  void dogtagCfg_useSharedSecret_withoutTheKey_saysToGiveOne_andWithAnotherKey_isRefused() {
    Path out = file("never.cmc");
    Cli.assertOneLineFailure(Cli.runIn(Fixtures.root(), "request", "--config",
        "cmc/d_selfsigned_dave_idpv2_sha256.cfg", "--out", out.toString()), 2, "request.useSharedSecret=true",
        "--key-p12 FILE", "request.privKeyId");
    KeyAndRequest notDaves = newRequest("crmf", "rsa:2048");
    Cli.Result r = Cli.runIn(Fixtures.root(), "request", "--config", "cmc/e_selfsigned_dave_idpv2_plwv2_crmf.cfg",
        "--key-p12", notDaves.p12().toString(), "--password-file", password.toString(), "--out", out.toString());
    Cli.assertOneLineFailure(r, 1, "is not the key of the request", "dave_popsuccess_ski_rsa2048.b64");
    assertFalse(Files.exists(out));
    SharedSecretWitnesses.assertNoSecret(r, SECRET);
  }
}
