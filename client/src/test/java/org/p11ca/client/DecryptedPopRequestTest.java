package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientIdentifier;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.CmcRequestParser;
import org.p11ca.ca.cmc.CmcResponseBuilder;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.cmc.DecryptedPop;
import org.p11ca.ca.cmc.PkiData;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.testing.DerMutator;
import org.p11ca.ca.pop.DecryptedPopCheck;
import org.p11ca.ca.pop.EncryptedPopChallenger;
import org.p11ca.ca.profile.EncryptedPopPolicy;
import org.p11ca.ca.profile.EncryptedPopPolicy.Format;
import org.p11ca.ca.profile.EncryptedPopPolicy.KeyTransport;
import org.p11ca.ca.proof.Verdict;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.Token;

/**
 * request --decrypted-pop, round 2 of RFC 5272 section 6.7, against real round-1 responses: challenges made by
 * ca-core's EncryptedPopChallenger on a SoftHSM token (both wire formats) and signed with CmcResponseBuilder, for a
 * request key in a PKCS#12 file (crmf --new-key) and one on a SoftHSM token. The round-2 file is checked with
 * ca-core's own parser and DecryptedPopCheck, as the CA would check it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecryptedPopRequestTest {

  static final String SUBJECT = "UID=bob,O=Example";
  static final String SIGNER_ALIAS = "Bob User";

  @TempDir
  Path dir;
  Path password;
  TestPki pki;
  X509Certificate bobCert;
  Path bobP12;
  TestTokens caTokens;
  Token caToken;
  EncryptedPopChallenger challenger;
  TestTokens subscriberTokens;
  final AtomicLong requestIds = new AtomicLong(14);
  final AtomicLong files = new AtomicLong();

  @BeforeAll
  void setUp(@TempDir Path shared) throws Exception {
    password = Fixtures.secretFile(shared, "p12.pass", "pop-test-pass");
    pki = new TestPki("CN=POP Test CA,O=Example");
    KeyPair bobKey = TestPki.rsa();
    bobCert = pki.issue(SUBJECT, bobKey.getPublic(), null);
    bobP12 = pki.p12(shared.resolve("bob-signer.p12"), SIGNER_ALIAS, bobKey, bobCert, "pop-test-pass");
    // The CA's token and the subscriber's are different tokens: one process logs into each once.
    caTokens = TestTokens.create(shared, "pop-ca");
    caToken = caTokens.open(Backend.IAIK);
    challenger = new EncryptedPopChallenger(caToken, caToken.generateAesKey(256,
        KeyAttributes.persistent("pop-protection", KeyUsage.ENCRYPT, KeyUsage.DECRYPT)));
    subscriberTokens = TestTokens.create(shared, "pop-subscriber");
  }

  @AfterAll
  void tearDown() {
    caToken.close();
  }

  // ---- the subscriber's round 1, and the CA's answer ----

  record RequestKeyFiles(String[] keyOptions, Path crmf) {
  }

  Path file(String name) {
    return dir.resolve(files.incrementAndGet() + "-" + name);
  }

  /** crmf --new-key --pop none into a new PKCS#12 file, as CRMFPopClient -q POP_NONE. */
  RequestKeyFiles softwareKey() {
    return softwareKey("rsa:2048");
  }

  RequestKeyFiles softwareKey(String type) {
    Path p12 = file("enc.p12");
    Path crmf = file("enc.crmf");
    Cli.run("crmf", "--subject", SUBJECT, "--new-key", type, "--key-p12", p12.toString(), "--password-file",
        password.toString(), "--pop", "none", "--out", crmf.toString()).requireSuccess();
    return new RequestKeyFiles(new String[] {"--key-p12", p12.toString()}, crmf);
  }

  /** The same on the subscriber's token: the key is generated there with CKA_DECRYPT (RSA) or CKA_DERIVE (EC). */
  RequestKeyFiles tokenKey() {
    return tokenKey("rsa:2048");
  }

  RequestKeyFiles tokenKey(String type) {
    String label = "enc-" + files.incrementAndGet();
    Path crmf = file("token-enc.crmf");
    Cli.run(subscriberTokens.command("crmf", "--subject", SUBJECT, "--new-key", type, "--key-label", label,
        "--pop", "none", "--out", crmf.toString())).requireSuccess();
    List<String> options = new ArrayList<>(List.of(subscriberTokens.command("-", "--key-label", label)));
    options.remove(0);
    return new RequestKeyFiles(options.toArray(String[]::new), crmf);
  }

  /** Round 1 as the subscriber sends it: the CRMF without POP, signed by Bob. */
  CmcRequest roundOneRequest(RequestKeyFiles key) throws Exception {
    Path out = file("round1.req");
    Cli.run("request", "--in", key.crmf().toString(), "--signer-p12", bobP12.toString(), "--password-file",
        password.toString(), "--out", out.toString()).requireSuccess();
    return CmcRequestParser.parse(Files.readAllBytes(out));
  }

  /** What the CA answered round 1 with, and what it keeps to check round 2. */
  record RoundOne(Path response, long requestId, Format format, byte[] taggedRequest, ASN1Encodable encryptedPop,
      Supplier<byte[]> challenge) {
  }

  RoundOne challenged(RequestKeyFiles key, EncryptedPopPolicy.Format format, KeyTransport transport)
      throws Exception {
    PkiData data = roundOneRequest(key).pkiData();
    TaggedRequest.Crmf crmf = (TaggedRequest.Crmf) data.requests().get(0);
    long id = requestIds.incrementAndGet();
    byte[] tagged = data.encodedRequest(0);
    EncryptedPopChallenger.Challenge c = challenger.challenge(id, tagged, crmf.bodyPartId(),
        crmf.msg().getCertReq().getCertTemplate().getPublicKey(), crmf.templateSubjectKeyId(),
        new EncryptedPopPolicy(format, transport, EncryptedPopPolicy.DEFAULT_LIFETIME));
    Path response = respond(data, Optional.of(c.encryptedPop()), Optional.of(id), FailInfo.POP_REQUIRED);
    return new RoundOne(response, id, c.format(), tagged, c.encryptedPop(),
        () -> challenger.recover(id, c.protectedChallenge(), c.protectionIv()));
  }

  /** The CA's round-1 response, as CmcService builds it: FAIL popRequired, encryptedPOP, responseInfo. */
  Path respond(PkiData request, Optional<ASN1Encodable> encryptedPop, Optional<Long> requestId, FailInfo failInfo)
      throws Exception {
    CmcResponseBuilder b = new CmcResponseBuilder(Clock.systemUTC(), new SecureRandom())
        .status(CmcStatusInfo.failed(List.of(1), failInfo, "request " + requestId.orElse(0L) + ": prove possession"
            + " of the key: answer with a decryptedPOP and regInfo"))
        .echoing(request)
        .certificates(List.of(pki.caHolder()));
    encryptedPop.ifPresent(p -> b.control(CmcObjectIds.ENCRYPTED_POP, p));
    requestId.ifPresent(id -> b.control(CmcObjectIds.RESPONSE_INFO,
        new DEROctetString(BigInteger.valueOf(id).toByteArray())));
    Path out = file("round1.resp");
    Files.write(out, b.sign(TestPki.signer(pki.caKey.getPrivate()), pki.caHolder()));
    return out;
  }

  // ---- round 2 ----

  Cli.Result answer(Path response, Path out, String[] keyOptions, String... more) {
    List<String> args = new ArrayList<>(List.of("request", "--decrypted-pop", "--response", response.toString(),
        "--signer-p12", bobP12.toString(), "--password-file", password.toString(), "--out", out.toString()));
    args.addAll(List.of(keyOptions));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  /** Checks the round-2 file as the CA does: signature, proof over the stored request, regInfo, request sent back. */
  CmcRequest assertAnswers(Path roundTwo, long requestId, Format format, byte[] taggedRequest, byte[] challenge,
      ASN1Encodable encryptedPop) throws Exception {
    CmcRequest request = CmcRequestParser.parse(Files.readAllBytes(roundTwo));
    assertTrue(request.signature().orElseThrow().verify(bobCert.getPublicKey()).isValid(), "signed by Bob");
    PkiData data = request.pkiData();
    List<DecryptedPop> pops = data.decryptedPops();
    assertEquals(1, pops.size());
    assertEquals(1, pops.get(0).bodyPartId(), "the request's certReqId, 1 as in Dogtag's CMCRequest");
    Verdict verdict = DecryptedPopCheck.check(format, challenge, taggedRequest, pops.get(0));
    assertTrue(verdict.passed(), verdict::toString);
    assertArrayEquals(hmacSha256(challenge, taggedRequest), pops.get(0).pop());
    assertEquals(AlgorithmIdentifier.getInstance(ASN1Sequence.getInstance(encryptedPop).getObjectAt(2)),
        pops.get(0).popAlgorithm(), "thePOPAlgID copied from the encryptedPOP");
    assertArrayEquals(BigInteger.valueOf(requestId).toByteArray(), data.regInfo().orElseThrow(),
        "regInfo = the responseInfo octets");
    assertEquals(1, data.requests().size());
    assertArrayEquals(taggedRequest, data.encodedRequest(0), "the challenged request, sent back byte for byte");
    return request;
  }

  CmcRequest assertAnswers(RoundOne r1, Path roundTwo) throws Exception {
    byte[] sentBack = CmcResponseParser.parse(Files.readAllBytes(r1.response())).encryptedPops().get(0).request();
    assertArrayEquals(r1.taggedRequest(), sentBack);
    return assertAnswers(roundTwo, r1.requestId(), r1.format(), r1.taggedRequest(), r1.challenge().get(),
        r1.encryptedPop());
  }

  static Stream<Arguments> formatsAndTransports() {
    return Stream.of(
        Arguments.of(Format.DOGTAG, KeyTransport.RSA_PKCS1),
        Arguments.of(Format.RFC, KeyTransport.RSA_PKCS1),
        Arguments.of(Format.RFC, KeyTransport.RSA_OAEP_SHA1));
  }

  @ParameterizedTest(name = "{0} format, {1}")
  @MethodSource("formatsAndTransports")
  void decryptedPop_softwareKey_answersWithTheProofRegInfoAndTheRequestSentBack(Format format,
      KeyTransport transport) throws Exception {
    RequestKeyFiles key = softwareKey();
    RoundOne r1 = challenged(key, format, transport);
    Path out = file("round2.req");
    Cli.Result r = answer(r1.response(), out, key.keyOptions()).requireSuccess();
    assertAnswers(r1, out);
    assertTrue(r.out().contains("CMC ResponseInfo requestID: " + r1.requestId()), r.out());
    assertTrue(r.out().contains("witness verified"), r.out());
    assertTrue(r.out().contains(transport == KeyTransport.RSA_OAEP_SHA1 ? "RSA-OAEP SHA-1/MGF1-SHA-1"
        : "RSA PKCS#1 v1.5"), r.out());
    assertTrue(r.out().contains("CMC request written to " + out), r.out());
    assertEquals("", r.err());
  }

  @Test
  void decryptedPop_withCa_checksTheRoundOneSignatureFirst() throws Exception {
    RequestKeyFiles key = softwareKey();
    RoundOne r1 = challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1);
    Path caPem = pki.caPem(file("ca.pem"));
    Path out = file("round2.req");
    Cli.Result r = answer(r1.response(), out, key.keyOptions(), "--ca", caPem.toString()).requireSuccess();
    assertTrue(r.out().contains("Round-1 response signature: verified against CN=POP Test CA,O=Example"), r.out());
    assertTrue(Files.exists(out));

    // The same response checked against another CA, and a challenge whose signature no longer holds: refused
    // before the key is opened, so nothing is decrypted and nothing written.
    Path otherCa = new TestPki("CN=POP Test CA,O=Example").caPem(file("other-ca.pem"));
    Path never = file("never.req");
    Cli.assertOneLineFailure(answer(r1.response(), never, key.keyOptions(), "--ca", otherCa.toString()), 1,
        "not signed by the CA of --ca");
    byte[] altered = Files.readAllBytes(r1.response());
    int witness = indexOf(altered, MessageDigest.getInstance("SHA-256").digest(r1.challenge().get()));
    altered[witness] ^= 1;
    Path tampered = file("tampered-round1.resp");
    Files.write(tampered, altered);
    Cli.assertOneLineFailure(answer(tampered, never, key.keyOptions(), "--ca", caPem.toString()), 1,
        "signature does not verify");
    assertFalse(Files.exists(never));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  /**
   * Round-1 responses mutated structure-aware (a challenge, a responseInfo, a status changed on the way, not
   * re-signed): request --decrypted-pop answers (exit 0) or refuses with one line (exit 1); never a usage error, an
   * unexpected exception or a trace.
   */
  @Test
  void decryptedPop_mutatedRoundOneResponses_answerOrOneLine() throws Exception {
    RequestKeyFiles key = softwareKey();
    byte[] response = Files.readAllBytes(challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1).response());
    Path mutated = file("mutated-round1.der");
    DerMutator mutator = new DerMutator(3);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < 120 && problems.size() < 10; i++) {
      Files.write(mutated, mutator.mutate(response));
      Cli.Result r = answer(mutated, file("round2.req"), key.keyOptions());
      if (r.exitCode() != 0 && (r.exitCode() != 1 || r.errLines().size() != 1
          || !r.err().startsWith("p11ca-cmc: "))) {
        problems.add("#" + i + " (" + mutator.lastMutations() + "): exit " + r.exitCode() + ", stderr: " + r.err());
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  static Stream<Arguments> tokenFormatsAndTransports() {
    // SoftHSM 2.6.1 does RSA-OAEP with SHA-1 only: OAEP on the token is tested in the RFC format with SHA-1.
    return Stream.of(
        Arguments.of(Format.DOGTAG, KeyTransport.RSA_PKCS1),
        Arguments.of(Format.RFC, KeyTransport.RSA_OAEP_SHA1));
  }

  @ParameterizedTest(name = "{0} format, {1}")
  @MethodSource("tokenFormatsAndTransports")
  void decryptedPop_tokenKey_decryptsOnTheToken_andAnswers(Format format, KeyTransport transport) throws Exception {
    RequestKeyFiles key = tokenKey();
    RoundOne r1 = challenged(key, format, transport);
    Path out = file("round2-token.req");
    Cli.Result r = answer(r1.response(), out, key.keyOptions()).requireSuccess();
    assertAnswers(r1, out);
    assertTrue(r.out().contains("Challenge decrypted with token '" + subscriberTokens.token().label() + "'"),
        r.out());
  }

  /**
   * EC request keys: the CA's challenger answers with ECDH key agreement (RFC 5753) whatever the profile's format
   * for RSA keys, and the client derives the key-encryption key with the requested key, in a PKCS#12 file or on
   * its token, where nothing of the agreement is left afterwards.
   */
  @ParameterizedTest(name = "{0}, key on a token: {1}")
  @MethodSource("ecKeys")
  void decryptedPop_ecKey_answersAnEcdhChallenge(String type, boolean onToken) throws Exception {
    RequestKeyFiles key = onToken ? tokenKey(type) : softwareKey(type);
    RoundOne r1 = challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1);
    assertEquals(Format.RFC, r1.format(), "an EC key's challenge is always in the RFC format");
    int subscriberObjects = onToken ? subscriberObjectCount() : 0;
    Path out = file("round2-ec.req");
    Cli.Result r = answer(r1.response(), out, key.keyOptions()).requireSuccess();
    assertAnswers(r1, out);
    assertTrue(r.out().contains("(session key ECDH " + (type.endsWith("256") ? "P256, SHA-256 KDF, AES-128"
        : "P384, SHA-384 KDF, AES-256") + " key wrap): witness verified"), r.out());
    if (onToken) {
      assertEquals(subscriberObjects, subscriberObjectCount(), "no key-encryption or session key left on the token");
    }
  }

  static Stream<Arguments> ecKeys() {
    return Stream.of(Arguments.of("ec:P-256", false), Arguments.of("ec:P-384", false),
        Arguments.of("ec:P-256", true));
  }

  private int subscriberObjectCount() {
    try (Token t = subscriberTokens.open(Backend.IAIK)) {
      return t.listObjects().size();
    }
  }

  @Test
  void decryptedPop_keepsRoundOnesTransactionId_andTakesABase64Response() throws Exception {
    RequestKeyFiles key = softwareKey();
    RoundOne r1 = challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1);
    BigInteger roundOneTx = CmcResponseParser.parse(Files.readAllBytes(r1.response())).transactionId()
        .orElseThrow();
    Path b64 = file("round1.b64");
    Files.writeString(b64, java.util.Base64.getMimeEncoder().encodeToString(Files.readAllBytes(r1.response())));
    Path out = file("round2.req");
    answer(b64, out, key.keyOptions()).requireSuccess();
    assertEquals(roundOneTx, assertAnswers(r1, out).pkiData().transactionId().orElseThrow(),
        "RFC 5272 section 6.6: one transactionId for the transaction");
  }

  /**
   * Dogtag's keyWrap.useOAEP: OAEP SHA-256/MGF1-SHA-256 while the RecipientInfo says rsaEncryption. SoftHSM 2.6.1
   * cannot do OAEP with SHA-256, so the CA-side challenger refuses it there (checked below) and this challenge is
   * built in software, byte for byte as /tmp study section 1.2 describes Dogtag's CMCOutputTemplate.
   */
  @Test
  void decryptedPop_dogtagOaepSha256_needsOaep_thenAnswers() throws Exception {
    RequestKeyFiles key = softwareKey();
    CaException refused = assertThrows(CaException.class, () -> challenged(key, Format.DOGTAG,
        KeyTransport.RSA_OAEP_SHA256));
    assertEquals(FailInfo.INTERNAL_CA_ERROR, refused.failInfo());

    PkiData data = roundOneRequest(key).pkiData();
    byte[] tagged = data.encodedRequest(0);
    byte[] challenge = new byte[64];
    new SecureRandom().nextBytes(challenge);
    ASN1Encodable pop = DogtagOaepChallenge.encryptedPop(tagged,
        ((TaggedRequest.Crmf) data.requests().get(0)).msg().getCertReq().getCertTemplate().getPublicKey(),
        challenge);
    Path response = respond(data, Optional.of(pop), Optional.of(77L), FailInfo.POP_REQUIRED);

    Path without = file("no-oaep.req");
    Cli.assertOneLineFailure(answer(response, without, key.keyOptions()), 1, "cannot decrypt the encryptedPOP's"
        + " session key", "give --oaep");
    assertFalse(Files.exists(without));

    Path out = file("oaep.req");
    Cli.Result r = answer(response, out, key.keyOptions(), "--oaep").requireSuccess();
    assertTrue(r.out().contains("RSA-OAEP SHA-256/MGF1-SHA-256"), r.out());
    assertAnswers(out, 77, Format.DOGTAG, tagged, challenge, pop);
  }

  /**
   * Dogtag's OAEP challenge to a token key: without --oaep the token's PKCS#1 decryption fails and the line says
   * to try --oaep; with it, SoftHSM 2.6.1 refuses OAEP-SHA256 and the line says so (a token that can, answers).
   */
  @Test
  void decryptedPop_tokenKey_dogtagOaepSha256_failuresNameTheReason() throws Exception {
    RequestKeyFiles key = tokenKey();
    PkiData data = roundOneRequest(key).pkiData();
    byte[] challenge = new byte[64];
    new SecureRandom().nextBytes(challenge);
    ASN1Encodable pop = DogtagOaepChallenge.encryptedPop(data.encodedRequest(0),
        ((TaggedRequest.Crmf) data.requests().get(0)).msg().getCertReq().getCertTemplate().getPublicKey(),
        challenge);
    Path response = respond(data, Optional.of(pop), Optional.of(78L), FailInfo.POP_REQUIRED);
    Path out = file("never.req");
    Cli.assertOneLineFailure(answer(response, out, key.keyOptions()), 1, "cannot decrypt the encryptedPOP's"
        + " session key with token", "give --oaep");
    Cli.assertOneLineFailure(answer(response, out, key.keyOptions(), "--oaep"), 1, "RSA-OAEP SHA-256/MGF1-SHA-256",
        "SoftHSM does RSA-OAEP only with SHA-1");
    assertFalse(Files.exists(out));
  }

  // ---- refusals ----

  @Test
  void decryptedPop_wrongKey_isOneLine_andWritesNothing() throws Exception {
    RequestKeyFiles key = softwareKey();
    RoundOne r1 = challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1);
    RequestKeyFiles other = softwareKey();
    Path out = file("never.req");
    Cli.assertOneLineFailure(answer(r1.response(), out, other.keyOptions()), 1, "is not the key of the challenged"
        + " request");
    assertFalse(Files.exists(out));
  }

  @Test
  void decryptedPop_challengeNotMatchingTheWitness_isRefused_andWritesNothing() throws Exception {
    RequestKeyFiles key = softwareKey();
    RoundOne r1 = challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1);
    ASN1Sequence pop = ASN1Sequence.getInstance(r1.encryptedPop());
    byte[] witness = ((DEROctetString) pop.getObjectAt(4)).getOctets();
    witness[0] ^= 1;
    ASN1Encodable altered = new DERSequence(new ASN1Encodable[] {pop.getObjectAt(0), pop.getObjectAt(1),
        pop.getObjectAt(2), pop.getObjectAt(3), new DEROctetString(witness)});
    Path response = respond(roundOneRequest(key).pkiData(), Optional.of(altered), Optional.of(r1.requestId()),
        FailInfo.POP_REQUIRED);
    Path out = file("never.req");
    Cli.assertOneLineFailure(answer(response, out, key.keyOptions()), 1, "the challenge does not match the",
        "witness");
    assertFalse(Files.exists(out), "RFC 5272 section 6.7: no answer to a challenge that fails its witness");
  }

  @Test
  void decryptedPop_responseWithoutEncryptedPop_isOneLine() throws Exception {
    RequestKeyFiles key = softwareKey();
    Path response = respond(roundOneRequest(key).pkiData(), Optional.empty(), Optional.empty(),
        FailInfo.BAD_REQUEST);
    Path out = file("never.req");
    Cli.assertOneLineFailure(answer(response, out, key.keyOptions()), 1, "0 encryptedPOP controls",
        "failInfo=bad request", "not an EncryptedPOP challenge");
    assertFalse(Files.exists(out));
  }

  @Test
  void decryptedPop_responseWithoutResponseInfo_isOneLine() throws Exception {
    RequestKeyFiles key = softwareKey();
    RoundOne r1 = challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1);
    Path response = respond(roundOneRequest(key).pkiData(), Optional.of(r1.encryptedPop()), Optional.empty(),
        FailInfo.POP_REQUIRED);
    Cli.assertOneLineFailure(answer(response, file("never.req"), key.keyOptions()), 1, "no responseInfo");
  }

  @Test
  void decryptedPop_withIn_orWithoutKey_isUsage() throws Exception {
    RequestKeyFiles key = softwareKey();
    RoundOne r1 = challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1);
    Cli.assertOneLineFailure(answer(r1.response(), file("never.req"), key.keyOptions(), "--in",
        key.crmf().toString()), 2, "--in is not used with --decrypted-pop");
    Cli.assertOneLineFailure(answer(r1.response(), file("never.req"), new String[0]), 2, "--key-p12",
        "request.privKeyId");
  }

  @Test
  void request_keyOptionsWithoutDecryptedPop_areRefused() {
    Cli.assertOneLineFailure(Cli.run("request", "--in", "x.crmf", "--signer-p12", bobP12.toString(), "--out",
        file("never.req").toString(), "--oaep"), 2, "only go with --decrypted-pop");
  }

  // ---- Dogtag's cfg keys ----

  @Test
  void decryptedPop_fromDogtagCfg_readsTheResponseAndWritesDecryptedPopRequestFile() throws Exception {
    RequestKeyFiles key = softwareKey();
    RoundOne r1 = challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1);
    Path out = file("from-cfg.req");
    Path cfg = file("cmc-crmf-DecryptedPOP.cfg");
    // The seed page's cfg: the round-1 keys stay (input/output are not used in this mode), request.privKeyId names
    // the NSS key that --key-p12 stands for.
    Files.writeString(cfg, String.join("\n", "numRequests=1", "input=no-such-round1.crmf", "output=no-such.req",
        "tokenname=internal", "dbdir=./nssdb", "password=Secret.123", "nickname=" + SIGNER_ALIAS, "format=crmf",
        "request.useSharedSecret=false", "senderNonce.enable=true", "transactionMgt.enable=false",
        "request.privKeyId=-25aa0a8aad395ebac7e6a19c364f0dcb5350cfef", "decryptedPop.enable=true",
        "encryptedPopResponseFile=" + dir.relativize(r1.response()), "decryptedPopRequestFile="
            + dir.relativize(out), "oaep=false", ""));
    List<String> args = new ArrayList<>(List.of("request", "--config", cfg.toString(), "--signer-p12",
        bobP12.toString(), "--password-file", password.toString()));
    args.addAll(List.of(key.keyOptions()));
    Cli.Result r = Cli.runIn(dir, args.toArray(String[]::new)).requireSuccess();
    assertTrue(r.out().contains("witness verified"), r.out());
    assertTrue(assertAnswers(r1, out).pkiData().transactionId().isEmpty(), "transactionMgt.enable=false");

    Cli.assertOneLineFailure(Cli.runIn(dir, "request", "--config", cfg.toString(), "--signer-p12",
        bobP12.toString(), "--password-file", password.toString()), 2, "request.privKeyId");
  }

  // ---- response prints the challenge ----

  @Test
  void response_encryptedPopChallenge_printsItLikeDogtag_andSaysToAnswerWithDecryptedPop() throws Exception {
    RequestKeyFiles key = softwareKey();
    RoundOne r1 = challenged(key, Format.DOGTAG, KeyTransport.RSA_PKCS1);
    Cli.Result r = Cli.run("response", "--in", r1.response().toString());
    String out = r.out();
    assertTrue(out.contains("""
        Control #0: CMCStatusInfoV2
           OID: {1 3 6 1 5 5 7 7 25}
           BodyList: 1
        """), out);
    assertTrue(out.contains("   OtherInfo type: FAIL\n     failInfo=POP required\n"), out);
    assertTrue(out.contains("""
        : CMC encrypted POP
           OID: {1 3 6 1 5 5 7 7 9}
             encryptedPOP decoded
        """), out);
    assertTrue(out.contains(": CMC ResponseInfo\n   requestID: " + r1.requestId() + "\n"), out);
    String line = Cli.assertOneLineFailure(r, 1);
    assertEquals("p11ca-cmc: the CA did not issue yet: it sent an EncryptedPOP challenge for request "
        + r1.requestId() + " (failInfo=POP required): answer it with 'p11ca-cmc request --decrypted-pop --response "
        + r1.response() + "' and the requested key", line);
  }

  @Test
  void response_popRequiredWithoutChallenge_isAPlainFailure() throws Exception {
    Path response = respond(roundOneRequest(softwareKey()).pkiData(), Optional.empty(), Optional.empty(),
        FailInfo.POP_REQUIRED);
    String line = Cli.assertOneLineFailure(Cli.run("response", "--in", response.toString()), 1,
        "the CA did not issue: failInfo=POP required");
    assertFalse(line.contains("--decrypted-pop"), line);
  }

  /** HMAC-SHA256(challenge, request), computed here independently of ca-core. */
  static byte[] hmacSha256(byte[] key, byte[] data) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  /** Dogtag's EncryptedPOP with keyWrap.useOAEP=true, built in software (SoftHSM cannot wrap with OAEP-SHA256). */
  static final class DogtagOaepChallenge {
    static ASN1Encodable encryptedPop(byte[] taggedRequest, SubjectPublicKeyInfo key, byte[] challenge)
        throws Exception {
      SecureRandom random = new SecureRandom();
      byte[] sessionKey = new byte[16];
      byte[] iv = new byte[16];
      random.nextBytes(sessionKey);
      random.nextBytes(iv);
      Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"), new IvParameterSpec(iv));
      byte[] encrypted = aes.doFinal(challenge);
      PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(key.getEncoded()));
      Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
      rsa.init(Cipher.ENCRYPT_MODE, publicKey, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
          PSource.PSpecified.DEFAULT));
      byte[] wrapped = rsa.doFinal(sessionKey);
      KeyTransRecipientInfo recipient = new KeyTransRecipientInfo(new RecipientIdentifier(new IssuerAndSerialNumber(
          new X500Name("CN=unUsedIssuerName"), BigInteger.ZERO)),
          new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), new DEROctetString(wrapped));
      byte[] dummyIv = new byte[16];
      java.util.Arrays.fill(dummyIv, (byte) 1);
      EncryptedContentInfo content = new EncryptedContentInfo(CMSObjectIdentifiers.data,
          new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes128_CBC, new DEROctetString(dummyIv)),
          new DEROctetString(encrypted));
      ContentInfo cms = new ContentInfo(CMSObjectIdentifiers.envelopedData, new EnvelopedData(null,
          new DERSet(new RecipientInfo(recipient)), content, (ASN1Set) null));
      return new DERSequence(new ASN1Encodable[] {ASN1Primitive.fromByteArray(taggedRequest), cms,
          new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes128_CBC, new DEROctetString(iv)),
          new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256),
          new DEROctetString(MessageDigest.getInstance("SHA-256").digest(challenge))});
    }
  }
}
