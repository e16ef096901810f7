package org.p11ca.ca.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.Controls;
import org.bouncycastle.asn1.crmf.POPOSigningKey;
import org.bouncycastle.asn1.crmf.ProofOfPossession;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.hsm.testing.MutableClock;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.cmc.SharedSecretMacs;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.repository.JdbcSharedSecretStore;
import org.p11ca.ca.repository.SharedSecretStatus;
import org.p11ca.ca.secret.SharedSecretAdministration;
import org.p11ca.ca.secret.SharedSecretPolicy;
import org.p11ca.ca.secret.SharedSecretVault;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;

/**
 * Self-signed requests proven by shared secrets (issue [4]) through the facade: Dogtag's own requests issue, each
 * listed refusal gets its failInfo and an audited reason, single use holds across threads, and no secret reaches the
 * audit log.
 */
class SelfSignedEnrollmentTest {

  static final String DOGTAG_SECRET = "MySharedSecret.42";

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static MutableClock clock;
  static CmcService service;
  static SharedSecretAdministration admin;
  static JdbcSharedSecretStore store;

  @BeforeAll
  static void start() {
    ca = new TestAuthority("self-signed", dir);
    KeyHandle key = ca.token.generateAesKey(256, KeyAttributes.persistent("shared-secret",
        org.p11ca.hsm.KeyUsage.ENCRYPT, org.p11ca.hsm.KeyUsage.DECRYPT));
    clock = new MutableClock(TestAuthority.NOW);
    store = new JdbcSharedSecretStore(ca.db);
    SharedSecretVault vault = new SharedSecretVault(ca.token, key);
    admin = new SharedSecretAdministration(store, vault, ca.token, SharedSecretPolicy.DEFAULT, ca.audit, clock);
    service = new CmcService(ca.signer, ProfileLoader.loadDefaults(), ca.certificates, ca.requests, ca.agents,
        ca.audit, clock, Optional.empty(), Optional.empty(),
        Optional.of(new SharedSecretIdentities(store, vault, SharedSecretPolicy.DEFAULT)));
  }

  @AfterAll
  static void stop() {
    ca.close();
  }

  static byte[] fixture(String name) throws IOException {
    return Files.readAllBytes(Path.of(System.getProperty("p11ca.fixtures"), "cmc", name + ".der"));
  }

  static void secret(String identification, String secret, OptionalInt maxUses, Optional<String> subject) {
    admin.create(new SharedSecretAdministration.Request(identification, subject.map(X500Name::new),
        Optional.of(Duration.ofDays(1)), maxUses, Optional.of(secret.toCharArray())), "operator");
  }

  static CmcResponse submit(CmcEndpoint endpoint, Optional<String> profile, byte[] body) {
    CmcReply reply = service.handle(new CmcSubmission(endpoint, profile, body, Caller.local()));
    return CmcResponseParser.parse(assertInstanceOf(CmcReply.Response.class, reply).der());
  }

  static CmcResponse submit(byte[] body) {
    return submit(CmcEndpoint.SELF_SIGNED_FULL, Optional.empty(), body);
  }

  static void assertIssued(CmcResponse r, String subject) {
    CmcStatusInfo status = r.statuses().get(0);
    assertEquals(CmcStatus.SUCCESS, status.status(), () -> "statusString: " + status.statusString().orElse(""));
    List<X509CertificateHolder> issued = r.certificates().stream().filter(c -> !c.equals(ca.caCert)).toList();
    assertEquals(1, issued.size());
    assertEquals(new X500Name(subject), issued.get(0).getSubject());
  }

  static void assertFailure(CmcResponse r, FailInfo expected) {
    CmcStatusInfo status = r.statuses().get(0);
    assertEquals(CmcStatus.FAILED, status.status());
    assertEquals(Optional.of(expected), status.failInfo(), () -> "statusString: " + status.statusString());
    assertTrue(r.certificates().isEmpty());
  }

  /** The audit lines written since {@code from}, as text. */
  static String auditSince(int from) throws IOException {
    List<String> lines = Files.readAllLines(ca.auditFile());
    return String.join("\n", lines.subList(from, lines.size()));
  }

  // ---- Dogtag's own requests ----

  @Test
  void dogtagSelfSignedCrmf_sha256AndSha512_issueWithTheSeedsEvents() throws Exception {
    for (String f : new String[] {"d_selfsigned_dave_idpv2_sha256", "d_selfsigned_dave_idpv2_sha512"}) {
      secret("dave", DOGTAG_SECRET, OptionalInt.of(1), Optional.empty());
      int from = ca.auditLines();
      assertIssued(submit(fixture(f)), "UID=dave,O=Example");
      assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS", "CMC_PROOF_OF_IDENTIFICATION",
          "AUTH_SUCCESS", "AUTHZ_SUCCESS", "PROFILE_CERT_REQUEST", "CERT_REQUEST_PROCESSED"), ca.eventsSince(from), f);
    }
  }

  @Test
  void dogtagPopLinkWitness_crmfAndPkcs10_issueAndLogTheWitnessCheck() throws Exception {
    for (String f : new String[] {"e_selfsigned_dave_idpv2_plwv2_crmf", "e_selfsigned_dave_idpv2_plwv2_p10"}) {
      secret("dave", DOGTAG_SECRET, OptionalInt.of(1), Optional.empty());
      int from = ca.auditLines();
      assertIssued(submit(CmcEndpoint.FULL, Optional.of("caFullCMCSharedTokenCert"), fixture(f)),
          "UID=dave,O=Example");
      List<String> events = ca.eventsSince(from);
      assertTrue(events.contains("CMC_ID_POP_LINK_WITNESS"), events.toString());
      assertTrue(auditSince(from).contains("[AuditEvent=CMC_ID_POP_LINK_WITNESS][SubjectID=dave][Outcome=Success]"),
          auditSince(from));
    }
  }

  // ---- refusals ----

  @Test
  void wrongSecret_isBadIdentity_auditedAndCountedUntilLocked() throws Exception {
    secret("dave", "AnotherSecret.000001", OptionalInt.of(1), Optional.empty());
    int from = ca.auditLines();
    for (int i = 0; i < SharedSecretPolicy.DEFAULT.lockAfterFailures(); i++) {
      assertFailure(submit(fixture("d_selfsigned_dave_idpv2_sha256")), FailInfo.BAD_IDENTITY);
    }
    String audit = auditSince(from);
    assertTrue(audit.contains("witness does not match the shared secret of identification 'dave'"), audit);
    assertTrue(audit.contains("is now locked after 5 failed proofs"), audit);
    assertEquals(SharedSecretStatus.LOCKED, store.latest("dave").orElseThrow().status());
    assertFalse(audit.contains("AnotherSecret.000001") || audit.contains(DOGTAG_SECRET));
  }

  @Test
  void reusedSecret_isBadIdentity() throws Exception {
    secret("dave", DOGTAG_SECRET, OptionalInt.of(1), Optional.empty());
    assertIssued(submit(fixture("d_selfsigned_dave_idpv2_sha256")), "UID=dave,O=Example");
    int from = ca.auditLines();
    assertFailure(submit(fixture("d_selfsigned_dave_idpv2_sha256")), FailInfo.BAD_IDENTITY);
    assertTrue(auditSince(from).contains("is used (1 use(s) of 1)"), auditSince(from));
  }

  @Test
  void expiredSecret_isBadIdentity() throws Exception {
    secret("dave", DOGTAG_SECRET, OptionalInt.of(1), Optional.empty());
    clock.advance(Duration.ofDays(2));
    try {
      int from = ca.auditLines();
      assertFailure(submit(fixture("d_selfsigned_dave_idpv2_sha256")), FailInfo.BAD_IDENTITY);
      assertTrue(auditSince(from).contains("expired at"), auditSince(from));
    } finally {
      clock.advance(Duration.ofDays(-2));
    }
  }

  @Test
  void secretOfAnotherIdentification_isBadIdentity() throws Exception {
    // eve has the very secret dave's request was made with: the identification is part of the key, and eve's
    // secret does not cover dave's subject.
    secret("eve", DOGTAG_SECRET, OptionalInt.of(1), Optional.empty());
    Subscriber key = Subscriber.rsa(2048);
    byte[] request = selfSigned(key, "UID=dave,O=Example", "eve", DOGTAG_SECRET, Optional.empty());
    int from = ca.auditLines();
    assertFailure(submit(request), FailInfo.BAD_IDENTITY);
    assertTrue(auditSince(from).contains("which has neither UID nor CN 'eve'"), auditSince(from));
    // And a request naming eve with dave's witness: the witness does not verify under eve's secret.
    secret("dave2", "Dave2Secret.123456", OptionalInt.of(1), Optional.empty());
    byte[] forged = selfSigned(key, "UID=eve,O=Example", "eve", "Dave2Secret.123456", Optional.empty());
    from = ca.auditLines();
    assertFailure(submit(forged), FailInfo.BAD_IDENTITY);
    assertTrue(auditSince(from).contains("witness does not match the shared secret of identification 'eve'"));
  }

  @Test
  void missingIdentification_isBadRequest() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    CertReqMsg crmf = key.crmf("UID=frank,O=Example");
    byte[] body = new CmcRequestBuilder(new SecureRandom())
        .identityProofV2(SharedSecretMacs.digestAlgorithm("SHA-256"), SharedSecretMacs.macAlgorithm("SHA-256-HMAC"),
            DOGTAG_SECRET.getBytes(UTF_8))
        .crmf(crmf).signSelf(key.signer(), keyId(key), Clock.systemUTC());
    int from = ca.auditLines();
    assertFailure(submit(body), FailInfo.BAD_REQUEST);
    assertTrue(auditSince(from).contains("no identification control"), auditSince(from));
  }

  @Test
  void popLinkWitnessOverOtherData_isPopFailed_andDoesNotSpendTheSecret() throws Exception {
    secret("grace", "GraceSecret.123456", OptionalInt.of(1), Optional.empty());
    Subscriber key = Subscriber.rsa(2048);
    byte[] r = new byte[64];
    new SecureRandom().nextBytes(r);
    byte[] otherR = r.clone();
    otherR[0] ^= 1;
    byte[] body = selfSigned(key, "UID=grace,O=Example", "grace", "GraceSecret.123456",
        Optional.of(new byte[][] {r, otherR}));
    int from = ca.auditLines();
    assertFailure(submit(body), FailInfo.POP_FAILED);
    assertTrue(auditSince(from).contains("[AuditEvent=CMC_ID_POP_LINK_WITNESS][SubjectID=grace][Outcome=Failure]"),
        auditSince(from));
    assertEquals(SharedSecretStatus.ACTIVE, store.latest("grace").orElseThrow().status());
    // The same request with the witness over the R it sends goes through, spending the secret.
    assertIssued(submit(selfSigned(key, "UID=grace,O=Example", "grace", "GraceSecret.123456",
        Optional.of(new byte[][] {r, r}))), "UID=grace,O=Example");
    assertEquals(SharedSecretStatus.USED, store.latest("grace").orElseThrow().status());
  }

  @Test
  void signerKeyIdNotTheRequestKey_isBadIdentity() throws Exception {
    secret("henry", "HenrySecret.123456", OptionalInt.of(1), Optional.empty());
    Subscriber key = Subscriber.rsa(2048);
    byte[] wrongId = keyId(Subscriber.rsa(2048));
    byte[] body = new CmcRequestBuilder(new SecureRandom()).identification("henry")
        .identityProofV2(SharedSecretMacs.digestAlgorithm("SHA-256"), SharedSecretMacs.macAlgorithm("SHA-256-HMAC"),
            "HenrySecret.123456".getBytes(UTF_8))
        .crmf(key.crmf("UID=henry,O=Example")).signSelf(key.signer(), wrongId, Clock.systemUTC());
    int from = ca.auditLines();
    assertFailure(submit(body), FailInfo.BAD_IDENTITY);
    assertTrue(ca.eventsSince(from).contains("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_FAILURE"), ca.eventsSince(from)
        .toString());
    assertEquals(SharedSecretStatus.ACTIVE, store.latest("henry").orElseThrow().status());
  }

  @Test
  void boundSubject_onlyThatSubjectIssues() throws Exception {
    secret("ivy", "IvySecret.12345678", OptionalInt.of(1), Optional.of("CN=Ivy Example,O=Example"));
    Subscriber key = Subscriber.rsa(2048);
    assertFailure(submit(selfSigned(key, "UID=ivy,O=Example", "ivy", "IvySecret.12345678", Optional.empty())),
        FailInfo.BAD_IDENTITY);
    assertIssued(submit(selfSigned(key, "CN=Ivy Example,O=Example", "ivy", "IvySecret.12345678", Optional.empty())),
        "CN=Ivy Example,O=Example");
  }

  @Test
  void profileWithoutSharedSecretIdentity_isRefusedBeforeTheSecretIsSpent() throws Exception {
    secret("dave", DOGTAG_SECRET, OptionalInt.of(1), Optional.empty());
    assertFailure(submit(CmcEndpoint.FULL, Optional.of("caFullCMCUserCert"), fixture(
        "d_selfsigned_dave_idpv2_sha256")), FailInfo.BAD_REQUEST);
    assertEquals(SharedSecretStatus.ACTIVE, store.latest("dave").orElseThrow().status());
  }

  @Test
  void singleUseSecret_concurrentSubmissions_exactlyOneIssues() throws Exception {
    secret("dave", DOGTAG_SECRET, OptionalInt.of(1), Optional.empty());
    byte[] body = fixture("d_selfsigned_dave_idpv2_sha256");
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<CmcResponse>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        Callable<CmcResponse> task = () -> {
          go.await();
          return submit(body);
        };
        answers.add(pool.submit(task));
      }
      go.countDown();
      int issued = 0;
      for (Future<CmcResponse> f : answers) {
        CmcResponse r = f.get();
        if (r.statuses().get(0).status() == CmcStatus.SUCCESS) {
          issued++;
        } else {
          assertEquals(Optional.of(FailInfo.BAD_IDENTITY), r.statuses().get(0).failInfo());
        }
      }
      assertEquals(1, issued);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void userSignedEndpoint_refusesSelfSignedRequests() throws Exception {
    secret("dave", DOGTAG_SECRET, OptionalInt.of(1), Optional.empty());
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL, Optional.empty(), fixture("d_selfsigned_dave_idpv2_sha256")),
        FailInfo.BAD_REQUEST);
    assertEquals(SharedSecretStatus.ACTIVE, store.latest("dave").orElseThrow().status());
  }

  // ---- helpers ----

  static byte[] keyId(Subscriber key) throws Exception {
    return MessageDigest.getInstance("SHA-1").digest(key.publicKeyInfo().getPublicKeyData().getBytes());
  }

  /**
   * A self-signed CRMF request with identification and identityProofV2; with {@code popLink} = {R sent, R the
   * witness is computed over}, also popLinkRandom and a popLinkWitnessV2 in the CRMF controls, POP re-signed.
   */
  static byte[] selfSigned(Subscriber key, String subject, String identification, String secret,
      Optional<byte[][]> popLink) throws Exception {
    CertReqMsg msg = key.crmf(subject);
    CmcRequestBuilder b = new CmcRequestBuilder(new SecureRandom()).dogtagStyleSenderNonce()
        .identification(identification);
    if (popLink.isPresent()) {
      b.popLinkRandom(popLink.get()[0]);
      AlgorithmIdentifier kdf = SharedSecretMacs.digestAlgorithm("SHA-256");
      AlgorithmIdentifier mac = SharedSecretMacs.macAlgorithm("SHA-256-HMAC");
      byte[] k = SharedSecretMacs.popLinkKey(kdf, mac, secret.getBytes(UTF_8), Optional.of(identification));
      byte[] witness = SharedSecretMacs.mac(mac, k, popLink.get()[1], "test");
      CertRequest old = msg.getCertReq();
      CertRequest withWitness = new CertRequest(old.getCertReqId(), old.getCertTemplate(), new Controls(
          new AttributeTypeAndValue(CmcObjectIds.POP_LINK_WITNESS_V2, new DERSequence(new ASN1Encodable[] {kdf, mac,
              new DEROctetString(witness)}))));
      var signer = key.signer();
      signer.getOutputStream().write(withWitness.getEncoded("DER"));
      msg = new CertReqMsg(withWitness, new ProofOfPossession(new POPOSigningKey(null, signer.getAlgorithmIdentifier(),
          new org.bouncycastle.asn1.DERBitString(signer.getSignature()))), null);
    }
    b.identityProofV2(SharedSecretMacs.digestAlgorithm("SHA-256"), SharedSecretMacs.macAlgorithm("SHA-256-HMAC"),
        secret.getBytes(UTF_8));
    return b.crmf(msg).signSelf(key.signer(), keyId(key), Clock.systemUTC());
  }
}
