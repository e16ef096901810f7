package org.p11ca.ca.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.EncryptedPop;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.pop.EncryptedPopChallenger;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.repository.JdbcPendingPopStore;
import org.p11ca.ca.repository.RequestStatus;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;

/**
 * The EncryptedPOP/DecryptedPOP round trip of seed page 1 (without archival) on a real CA: round 1 challenges a
 * CRMF request without POP, the subscriber decrypts the challenge with its key and proves it, round 2 issues. Both
 * wire formats; the RFC one is decrypted by Bouncy Castle's standard CMS code, which shows it is plain EnvelopedData.
 */
class EncryptedPopRoundTripTest {

  static final String BOB = "UID=bob,O=Example";

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static Subscriber bobKey;
  static X509CertificateHolder bobCert;
  static Profiles profiles;
  static EncryptedPopSupport support;

  @BeforeAll
  static void start() {
    ca = new TestAuthority("encrypted-pop", dir);
    KeyHandle protection = ca.token.generateAesKey(256, KeyAttributes.persistent("pop-protection",
        org.p11ca.hsm.KeyUsage.ENCRYPT, org.p11ca.hsm.KeyUsage.DECRYPT));
    support = new EncryptedPopSupport(new EncryptedPopChallenger(ca.token, protection),
        new JdbcPendingPopStore(ca.db));
    List<Profile> all = new ArrayList<>(ProfileLoader.loadDefaults().all());
    all.add(encryptionProfile("encDogtag", "dogtag"));
    all.add(encryptionProfile("encRfc", "rfc"));
    all.add(ProfileLoader.parse("encEc.yaml", "id: encEc\nvalidity: P30D\nsubject: {from: signer}\n"
        + "keys: {rsaMinBits: 2048, ecCurves: [P-256, P-384]}\n"
        + "keyUsage: {critical: true, usages: [keyAgreement]}\nbasicConstraints: {ca: false}\n"
        + "allowEncryptionOnlyKeys: true\nencryptedPop: {format: dogtag, challengeLifetime: PT10M}\n"));
    all.add(ProfileLoader.parse("encArchival.yaml", "id: encArchival\nvalidity: P30D\nsubject: {from: signer}\n"
        + "keys: {rsaMinBits: 2048}\nkeyUsage: {critical: true, usages: [keyEncipherment]}\n"
        + "basicConstraints: {ca: false}\nallowEncryptionOnlyKeys: true\narchivalRequired: true\n"));
    profiles = new Profiles(all);
    bobKey = Subscriber.rsa(2048);
    bobCert = service(Clock.fixed(TestAuthority.NOW, ZoneOffset.UTC)).enrollByOperator(bobKey.csr(BOB),
        "caFullCMCUserCert", "operator").cert();
  }

  @AfterAll
  static void stop() {
    ca.close();
  }

  static Profile encryptionProfile(String id, String format) {
    return ProfileLoader.parse(id + ".yaml", "id: " + id + "\nvalidity: P30D\nsubject: {from: signer}\n"
        + "keys: {rsaMinBits: 2048}\nkeyUsage: {critical: true, usages: [keyEncipherment, dataEncipherment]}\n"
        + "basicConstraints: {ca: false}\nallowEncryptionOnlyKeys: true\n"
        + "encryptedPop: {format: " + format + ", challengeLifetime: PT10M}\n");
  }

  static CmcService service(Clock clock) {
    return new CmcService(ca.signer, profiles, ca.certificates, ca.requests, ca.agents, ca.audit, clock,
        Optional.of(support));
  }

  static CmcService now() {
    return service(Clock.fixed(TestAuthority.NOW, ZoneOffset.UTC));
  }

  private static CmcResponse submit(CmcService on, String profile, byte[] body) {
    CmcReply reply = on.handle(new CmcSubmission(CmcEndpoint.USER_SIGNED_FULL, Optional.of(profile), body,
        Caller.local()));
    return CmcResponseParser.parse(assertInstanceOf(CmcReply.Response.class, reply).der());
  }

  private static byte[] signedByBob(CmcRequestBuilder b) {
    return b.sign(bobKey.signer(), bobCert, List.of(bobCert, ca.caCert), Clock.systemUTC());
  }

  /** Round 1: a CRMF for a new RSA key with no POP at all, as CRMFPopClient -q POP_NONE makes it. */
  private static CmcResponse roundOne(CmcService on, String profile, Subscriber key) {
    return submit(on, profile, signedByBob(new CmcRequestBuilder(new SecureRandom()).crmf(key.crmf(BOB, null))));
  }

  /** Round 2 as Dogtag's CMCRequest builds it: decryptedPOP, regInfo = responseInfo, the request sent back. */
  private static byte[] roundTwo(EncryptedPop pop, byte[] proof, byte[] regInfo) {
    TaggedRequest.Crmf request = (TaggedRequest.Crmf) pop.parsedRequest();
    ASN1EncodableVector decrypted = new ASN1EncodableVector();
    decrypted.add(new org.bouncycastle.asn1.ASN1Integer(1));
    decrypted.add(pop.popAlgorithm());
    decrypted.add(new DEROctetString(proof));
    return signedByBob(new CmcRequestBuilder(new SecureRandom()).crmf(request.msg())
        .control(CmcObjectIds.DECRYPTED_POP, new DERSequence(decrypted))
        .control(CmcObjectIds.REG_INFO, new DEROctetString(regInfo)));
  }

  @Test
  void dogtagFormat_roundOneChallenges_roundTwoIssues_andAReplayIsRefused() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    int from = ca.auditLines();
    CmcResponse r1 = roundOne(now(), "encDogtag", key);
    assertEquals(CmcStatus.FAILED, r1.statuses().get(0).status());
    assertEquals(Optional.of(FailInfo.POP_REQUIRED), r1.statuses().get(0).failInfo());
    assertTrue(r1.certificates().isEmpty());
    EncryptedPop pop = r1.encryptedPops().get(0);
    assertTrue(pop.dogtagFormat());
    byte[] regInfo = r1.responseInfo().orElseThrow();
    long requestId = new BigInteger(regInfo).longValueExact();
    assertEquals(RequestStatus.PENDING, ca.requests.find(requestId).orElseThrow().status());
    assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS", "AUTH_SUCCESS", "AUTHZ_SUCCESS",
        "PROFILE_CERT_REQUEST"), ca.eventsSince(from));

    // A fresh service over the same database: the challenge lives in the repository, not in memory.
    byte[] challenge = key.challenge(pop);
    assertEquals(64, challenge.length);
    byte[] round2 = roundTwo(pop, pop.proof(challenge), regInfo);
    from = ca.auditLines();
    CmcResponse r2 = submit(now(), "encDogtag", round2);
    assertEquals(CmcStatus.SUCCESS, r2.statuses().get(0).status(), () -> r2.statuses().get(0).toString());
    X509CertificateHolder issued = r2.certificates().stream().filter(c -> !c.equals(ca.caCert)).findFirst()
        .orElseThrow();
    assertEquals(key.publicKeyInfo(), issued.getSubjectPublicKeyInfo());
    assertEquals(bobCert.getSubject(), issued.getSubject());
    assertEquals(RequestStatus.COMPLETE, ca.requests.find(requestId).orElseThrow().status());
    assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS", "AUTH_SUCCESS", "AUTHZ_SUCCESS",
        "PROOF_OF_POSSESSION", "CERT_REQUEST_PROCESSED"), ca.eventsSince(from));

    CmcResponse replay = submit(now(), "encDogtag", round2);
    assertEquals(Optional.of(FailInfo.BAD_REQUEST), replay.statuses().get(0).failInfo());
    assertTrue(replay.statuses().get(0).statusString().orElseThrow().contains("no open EncryptedPOP challenge"));
  }

  @Test
  void rfcFormat_isStandardEnvelopedData_andCompletesTheRoundTrip() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    CmcResponse r1 = roundOne(now(), "encRfc", key);
    EncryptedPop pop = r1.encryptedPops().get(0);
    assertFalse(pop.dogtagFormat());
    // Bouncy Castle's CMS code, which knows nothing of CMC, opens the challenge with the subscriber's key.
    ASN1Encodable cms = org.bouncycastle.asn1.ASN1Sequence.getInstance(
        r1.controls().stream().filter(c -> c.type().equals(CmcObjectIds.ENCRYPTED_POP)).findFirst().orElseThrow()
            .values().get(0)).getObjectAt(1);
    RecipientInformation recipient = new CMSEnvelopedData(org.bouncycastle.asn1.cms.ContentInfo.getInstance(cms))
        .getRecipientInfos().getRecipients().iterator().next();
    byte[] viaCms = recipient.getContent(new JceKeyTransEnvelopedRecipient(key.keys.getPrivate()));
    byte[] challenge = key.challenge(pop);
    assertArrayEquals(viaCms, challenge);

    CmcResponse r2 = submit(now(), "encRfc", roundTwo(pop, pop.proof(challenge), r1.responseInfo().orElseThrow()));
    assertEquals(CmcStatus.SUCCESS, r2.statuses().get(0).status(), () -> r2.statuses().get(0).toString());
  }

  @Test
  void wrongProof_isPopFailed_andTheChallengeIsGone() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    CmcResponse r1 = roundOne(now(), "encDogtag", key);
    EncryptedPop pop = r1.encryptedPops().get(0);
    byte[] wrong = pop.proof(new byte[64]);
    int from = ca.auditLines();
    CmcResponse r2 = submit(now(), "encDogtag", roundTwo(pop, wrong, r1.responseInfo().orElseThrow()));
    assertEquals(Optional.of(FailInfo.POP_FAILED), r2.statuses().get(0).failInfo());
    assertTrue(ca.eventsSince(from).contains("PROOF_OF_POSSESSION"));
    String audit = ca.auditText();
    assertTrue(audit.contains("[AuditEvent=PROOF_OF_POSSESSION][SubjectID="
        + org.p11ca.ca.cmc.DistinguishedNames.rfc4514(bobCert.getSubject()) + "][Outcome=Failure][Info=the DecryptedPOP"
        + " proof does not match"), audit);
    long requestId = new BigInteger(r1.responseInfo().orElseThrow()).longValueExact();
    assertEquals(RequestStatus.REJECTED, ca.requests.find(requestId).orElseThrow().status());
    // The right proof now comes too late: a challenge answers once.
    CmcResponse again = submit(now(), "encDogtag", roundTwo(pop, pop.proof(key.challenge(pop)),
        r1.responseInfo().orElseThrow()));
    assertEquals(Optional.of(FailInfo.BAD_REQUEST), again.statuses().get(0).failInfo());
  }

  @Test
  void unknownRequestId_isRefused() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    CmcResponse r1 = roundOne(now(), "encDogtag", key);
    EncryptedPop pop = r1.encryptedPops().get(0);
    CmcResponse r2 = submit(now(), "encDogtag", roundTwo(pop, pop.proof(key.challenge(pop)),
        BigInteger.valueOf(999_999).toByteArray()));
    assertEquals(Optional.of(FailInfo.BAD_REQUEST), r2.statuses().get(0).failInfo());
    assertTrue(r2.statuses().get(0).statusString().orElseThrow().contains("request 999999"));
  }

  @Test
  void expiredChallenge_isPopFailed() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    CmcResponse r1 = roundOne(now(), "encDogtag", key);
    EncryptedPop pop = r1.encryptedPops().get(0);
    CmcService later = service(Clock.fixed(TestAuthority.NOW.plus(Duration.ofMinutes(11)), ZoneOffset.UTC));
    CmcResponse r2 = submit(later, "encDogtag", roundTwo(pop, pop.proof(key.challenge(pop)),
        r1.responseInfo().orElseThrow()));
    assertEquals(Optional.of(FailInfo.POP_FAILED), r2.statuses().get(0).failInfo());
    assertTrue(r2.statuses().get(0).statusString().orElseThrow().contains("expired"));
  }

  @Test
  void profileWithoutEncryptionOnlyKeys_answersPopRequiredWithoutAChallenge() {
    CmcResponse r1 = roundOne(now(), "caFullCMCUserSignedCert", Subscriber.rsa(2048));
    assertEquals(Optional.of(FailInfo.POP_REQUIRED), r1.statuses().get(0).failInfo());
    assertTrue(r1.encryptedPops().isEmpty());
  }

  @Test
  void archivalProfile_withoutArchiveOptions_isMustArchiveKeys() {
    CmcResponse r1 = roundOne(now(), "encArchival", Subscriber.rsa(2048));
    assertEquals(Optional.of(FailInfo.MUST_ARCHIVE_KEYS), r1.statuses().get(0).failInfo());
  }

  /**
   * An EC key under a profile whose RSA challenges use Dogtag's encoding: the challenge is the RFC's, with an RFC
   * 5753 KeyAgreeRecipientInfo made on the token, which Bouncy Castle's CMS code and openssl both open with the
   * subscriber's key; the round trip then issues the certificate for that key.
   */
  @ParameterizedTest
  @ValueSource(strings = {"secp256r1", "secp384r1"})
  void ecKey_getsAnEcdhKeyAgreementChallenge_thatStandardCmsOpens_andTheRoundTripIssues(String curve)
      throws Exception {
    Subscriber key = Subscriber.ec(curve);
    int objectsBefore = ca.token.listObjects().size();
    CmcResponse r1 = roundOne(now(), "encEc", key);
    assertEquals(Optional.of(FailInfo.POP_REQUIRED), r1.statuses().get(0).failInfo(),
        () -> r1.statuses().get(0).toString());
    assertEquals(objectsBefore, ca.token.listObjects().size(), "the ephemeral key, KEK and session key are gone");
    EncryptedPop pop = r1.encryptedPops().get(0);
    assertFalse(pop.dogtagFormat(), "EC keys always get the RFC encoding");
    ASN1Encodable cms = org.bouncycastle.asn1.ASN1Sequence.getInstance(
        r1.controls().stream().filter(c -> c.type().equals(CmcObjectIds.ENCRYPTED_POP)).findFirst().orElseThrow()
            .values().get(0)).getObjectAt(1);
    RecipientInformation recipient = new CMSEnvelopedData(org.bouncycastle.asn1.cms.ContentInfo.getInstance(cms))
        .getRecipientInfos().getRecipients().iterator().next();
    assertInstanceOf(org.bouncycastle.cms.KeyAgreeRecipientInformation.class, recipient);
    // Bouncy Castle's own provider: the JDK's has no KeyAgreement for the CMS ECDH-with-KDF schemes.
    byte[] viaBc = recipient.getContent(new org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient(
        key.keys.getPrivate()).setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()));
    byte[] challenge = pop.challenge(new EncryptedPop.SessionKeyDecryptor() {
      @Override
      public byte[] decrypt(byte[] encryptedKey, org.bouncycastle.asn1.x509.AlgorithmIdentifier keyTransport) {
        throw new AssertionError("an EC key gets no key transport");
      }

      @Override
      public byte[] decryptAgreed(java.security.PublicKey originator, org.p11ca.ca.cmc.EcdhSuite suite,
          byte[] wrappedKey, byte[] iv, byte[] encryptedContent) {
        return EncryptedPop.decryptAgreedInSoftware(key.keys.getPrivate(), originator, suite, wrappedKey, iv,
            encryptedContent);
      }
    });
    assertArrayEquals(viaBc, challenge);
    assertArrayEquals(challenge, opensslDecrypt(((org.bouncycastle.asn1.ASN1Object) cms).getEncoded(), key));

    CmcResponse r2 = submit(now(), "encEc", roundTwo(pop, pop.proof(challenge), r1.responseInfo().orElseThrow()));
    assertEquals(CmcStatus.SUCCESS, r2.statuses().get(0).status(), () -> r2.statuses().get(0).toString());
    X509CertificateHolder issued = r2.certificates().stream().filter(c -> !c.equals(ca.caCert)).findFirst()
        .orElseThrow();
    assertEquals(key.publicKeyInfo(), issued.getSubjectPublicKeyInfo());
  }

  @Test
  void ecKey_wrongProof_isPopFailed() throws Exception {
    Subscriber key = Subscriber.ec("secp256r1");
    CmcResponse r1 = roundOne(now(), "encEc", key);
    EncryptedPop pop = r1.encryptedPops().get(0);
    CmcResponse r2 = submit(now(), "encEc", roundTwo(pop, pop.proof(new byte[64]), r1.responseInfo().orElseThrow()));
    assertEquals(Optional.of(FailInfo.POP_FAILED), r2.statuses().get(0).failInfo());
  }

  @Test
  void ecKeyOnACurveWithoutASuite_isBadAlg() {
    CmcResponse r1 = roundOne(now(), "encEc", Subscriber.ec("secp521r1"));
    assertEquals(CmcStatus.FAILED, r1.statuses().get(0).status());
    assertTrue(r1.encryptedPops().isEmpty());
  }

  /** openssl cms -decrypt, which tries every recipient with the key when no certificate is given. */
  private static byte[] opensslDecrypt(byte[] envelopedData, Subscriber key) throws Exception {
    java.nio.file.Path env = java.nio.file.Files.write(dir.resolve("challenge-" + System.nanoTime() + ".der"),
        envelopedData);
    java.nio.file.Path pem = dir.resolve("ec-" + System.nanoTime() + ".key");
    java.nio.file.Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder()
        .encodeToString(key.keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    Process p = new ProcessBuilder("openssl", "cms", "-decrypt", "-inform", "DER", "-in", env.toString(), "-inkey",
        pem.toString(), "-binary").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "openssl cms -decrypt failed");
    return out;
  }
}
