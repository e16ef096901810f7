package org.p11ca.ca.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.audit.AuditLogVerifier;
import org.p11ca.ca.audit.VerificationResult;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.repository.CertificateStatus;
import org.p11ca.ca.repository.RevocationReason;

/**
 * The CMC facade on a real CA (SoftHSM token, SQLite, audit log): the user-signed flow of the seed pages and each
 * refusal of issue [2]'s acceptance item 2, with its failInfo and its FAILURE audit event.
 */
class CmcServiceTest {

  static final String BOB = "UID=bob,O=Example";
  static final String AGENT = "UID=agent1,CN=CMC Agent,O=Example";

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static CmcService service;
  static Subscriber bobKey;
  static X509CertificateHolder bobCert;
  static Subscriber agentKey;
  static X509CertificateHolder agentCert;

  @BeforeAll
  static void start() {
    ca = new TestAuthority("cmc-service", dir);
    service = ca.service();
    bobKey = Subscriber.rsa(2048);
    bobCert = service.enrollByOperator(bobKey.csr(BOB), "caFullCMCUserCert", "operator").cert();
    agentKey = Subscriber.rsa(2048);
    agentCert = service.enrollByOperator(agentKey.csr(AGENT), "caFullCMCUserCert", "operator").cert();
    ca.makeAgent(agentCert, "agent1");
  }

  @AfterAll
  static void stop() {
    ca.close();
  }

  private static byte[] userSigned(Object request, Subscriber signerKey, X509CertificateHolder signerCert) {
    CmcRequestBuilder b = new CmcRequestBuilder(new SecureRandom()).dogtagStyleSenderNonce()
        .transactionId(BigInteger.valueOf(4242));
    if (request instanceof org.bouncycastle.asn1.crmf.CertReqMsg crmf) {
      b.crmf(crmf);
    } else {
      b.pkcs10(1, (org.bouncycastle.pkcs.PKCS10CertificationRequest) request);
    }
    return b.sign(signerKey.signer(), signerCert, List.of(signerCert, ca.caCert), Clock.systemUTC());
  }

  private static CmcResponse submit(CmcEndpoint endpoint, byte[] body, Optional<X509CertificateHolder> tls) {
    return submit(service, endpoint, Optional.empty(), body, tls);
  }

  private static CmcResponse submit(CmcService on, CmcEndpoint endpoint, Optional<String> profile, byte[] body,
      Optional<X509CertificateHolder> tls) {
    CmcReply reply = on.handle(new CmcSubmission(endpoint, profile, body,
        new Caller("192.0.2.10", "192.0.2.1", tls.map(TestAuthority::jca))));
    CmcReply.Response r = assertInstanceOf(CmcReply.Response.class, reply);
    CmcResponse parsed = CmcResponseParser.parse(r.der());
    assertTrue(parsed.signature().orElseThrow().verify(publicKey(ca.caCert)).isValid(),
        "every Full PKI Response is signed by the CA key");
    return parsed;
  }

  private static java.security.PublicKey publicKey(X509CertificateHolder cert) {
    try {
      return new JcaX509CertificateConverter().setProvider(new BouncyCastleProvider()).getCertificate(cert)
          .getPublicKey();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertFailure(CmcResponse response, FailInfo expected, String reasonPart) {
    CmcStatusInfo status = response.statuses().get(0);
    assertEquals(CmcStatus.FAILED, status.status());
    assertEquals(Optional.of(expected), status.failInfo(), () -> "statusString: " + status.statusString());
    assertTrue(status.statusString().orElseThrow().contains(reasonPart),
        () -> "statusString '" + status.statusString().orElse("") + "' should mention '" + reasonPart + "'");
    assertTrue(response.certificates().isEmpty(), "a failure carries no certificate");
  }

  @Test
  void answer_comesOnlyOnceItsAuditRecordsAreOnDisk() throws Exception {
    // Signs what is pending, so that no checkpoint (which syncs) falls among this request's records.
    ca.audit.checkpoint();
    long before = ca.audit.lastSequenceNumber();
    CmcResponse response = submit(CmcEndpoint.USER_SIGNED_FULL, userSigned(Subscriber.rsa(2048).crmf(BOB), bobKey,
        bobCert), Optional.of(bobCert));
    assertEquals(CmcStatus.SUCCESS, response.statusOf(1).orElseThrow().status());
    long after = ca.audit.lastSequenceNumber();
    assertEquals(before + 5, after, "five records, CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS to CERT_REQUEST_PROCESSED");
    assertEquals(after, ca.audit.durableThrough(), "synced before the answer");
  }

  @Test
  void userSignedCrmfGetsTheSignersSubjectAndTheSeedsAuditSequence() throws Exception {
    int from = ca.auditLines();
    Subscriber newKey = Subscriber.rsa(2048);
    byte[] request = userSigned(newKey.crmf(BOB), bobKey, bobCert);
    CmcResponse response = submit(CmcEndpoint.USER_SIGNED_FULL, request, Optional.of(bobCert));

    assertEquals(CmcStatus.SUCCESS, response.statusOf(1).orElseThrow().status());
    X509CertificateHolder issued = issuedOf(response);
    assertEquals(bobCert.getSubject(), issued.getSubject());
    assertEquals(newKey.publicKeyInfo(), issued.getSubjectPublicKeyInfo());
    assertTrue(response.certificates().contains(ca.caCert), "the CA chain comes with the issued certificate");
    assertEquals(Optional.of(BigInteger.valueOf(4242)), response.transactionId());
    assertArrayEquals(org.p11ca.ca.cmc.CmcRequestParser.parse(request).pkiData().senderNonce().orElseThrow(),
        response.recipientNonce().orElseThrow(), "the senderNonce comes back byte for byte");
    assertEquals(CertificateStatus.ISSUED, ca.certificates.find(issued.getSerialNumber()).orElseThrow().status());
    assertTrue(ca.certificates.find(issued.getSerialNumber()).orElseThrow().requestId().isPresent(),
        "the certificate row names the request it answers");
    assertEquals(Optional.of(issued.getNotBefore().toInstant()),
        ca.certificates.find(issued.getSerialNumber()).orElseThrow().notBefore());
    assertEquals(Optional.of(issued.getNotAfter().toInstant()),
        ca.certificates.find(issued.getSerialNumber()).orElseThrow().notAfter());
    assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS", "AUTH_SUCCESS", "AUTHZ_SUCCESS",
        "PROFILE_CERT_REQUEST", "CERT_REQUEST_PROCESSED"), ca.eventsSince(from));
    assertTrue(ca.auditText().contains("[CertSerialNum=" + issued.getSerialNumber() + "]"));
  }

  @Test
  void agentSignedPkcs10OnTheFullEndpointGetsTheRequestedSubject() throws Exception {
    Subscriber frank = Subscriber.rsa(2048);
    CmcResponse response = submit(CmcEndpoint.FULL, userSigned(frank.csr("UID=frank,O=Example"), agentKey,
        agentCert), Optional.empty());
    assertEquals(CmcStatus.SUCCESS, response.statuses().get(0).status());
    assertEquals(new org.bouncycastle.asn1.x500.X500Name("UID=frank,O=Example"),
        issuedOf(response).getSubject());
  }

  @Test
  void brokenSignatureOverPkiDataIsBadMessageCheck() throws Exception {
    byte[] request = userSigned(Subscriber.rsa(2048).crmf(BOB), bobKey, bobCert);
    // The transactionId 4242 (0x1092) is inside the signed eContent: change it and the messageDigest no longer fits.
    int at = indexOf(request, new byte[] {0x02, 0x02, 0x10, (byte) 0x92});
    request[at + 3] ^= 0x01;
    int from = ca.auditLines();
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL, request, Optional.empty()), FailInfo.BAD_MESSAGE_CHECK,
        "does not verify");
    assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_FAILURE", "AUTH_FAILURE"), ca.eventsSince(from));
  }

  @Test
  void signerFromAnotherCaIsBadIdentity() throws Exception {
    // Dogtag's own fixture: signed by UID=bob of Dogtag's Test CA, a CA this one never heard of.
    byte[] request = Files.readAllBytes(Path.of(System.getProperty("p11ca.fixtures"), "cmc",
        "b_usersigned_bob_crmf.der"));
    int from = ca.auditLines();
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL, request, Optional.empty()), FailInfo.BAD_IDENTITY,
        "not issued by this CA");
    assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_FAILURE", "AUTH_FAILURE"), ca.eventsSince(from));
  }

  @Test
  void revokedSignerIsBadIdentity() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    X509CertificateHolder cert = service.enrollByOperator(key.csr("UID=revoked,O=Example"), "caFullCMCUserCert",
        "operator").cert();
    ca.certificates.revoke(cert.getSerialNumber(), RevocationReason.KEY_COMPROMISE, Optional.empty(),
        TestAuthority.NOW);
    int from = ca.auditLines();
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL, userSigned(Subscriber.rsa(2048).crmf("UID=revoked,O=Example"), key, cert),
        Optional.empty()), FailInfo.BAD_IDENTITY, "is revoked");
    assertTrue(ca.eventsSince(from).contains("AUTH_FAILURE"));
  }

  @Test
  void expiredSignerIsBadIdentity() throws Exception {
    // caFullCMCUserCert certificates live 180 days; 200 days on, bob's has expired while the CA's has not.
    CmcService later = ca.service(Clock.fixed(TestAuthority.NOW.plus(Duration.ofDays(200)), ZoneOffset.UTC));
    int from = ca.auditLines();
    assertFailure(submit(later, CmcEndpoint.USER_SIGNED_FULL, Optional.empty(),
        userSigned(Subscriber.rsa(2048).crmf(BOB), bobKey, bobCert), Optional.empty()), FailInfo.BAD_IDENTITY,
        "not valid now");
    assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_FAILURE", "AUTH_FAILURE"), ca.eventsSince(from));
  }

  @Test
  void subjectOtherThanTheSignersIsBadIdentity() throws Exception {
    int from = ca.auditLines();
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL,
        userSigned(Subscriber.rsa(2048).crmf("UID=mallory,O=Example"), bobKey, bobCert), Optional.empty()),
        FailInfo.BAD_IDENTITY, "only issues to the signer's subject");
    assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS", "AUTH_SUCCESS", "AUTHZ_SUCCESS",
        "PROFILE_CERT_REQUEST"), ca.eventsSince(from));
    assertTrue(ca.auditText().lines().reduce((a, b) -> b).orElseThrow().contains("[Outcome=Failure]"));
  }

  @Test
  void tlsClientCertificateOtherThanTheSignersIsBadIdentity() throws Exception {
    int from = ca.auditLines();
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL, userSigned(Subscriber.rsa(2048).crmf(BOB), bobKey, bobCert),
        Optional.of(agentCert)), FailInfo.BAD_IDENTITY, "is not the CMC signer's certificate");
    assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS", "AUTH_FAILURE"), ca.eventsSince(from));
  }

  @Test
  void popSignedWithAnotherKeyIsPopFailed() throws Exception {
    Subscriber requested = Subscriber.rsa(2048);
    Subscriber other = Subscriber.rsa(2048);
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL,
        userSigned(requested.crmf(BOB, other.keys.getPrivate()), bobKey, bobCert), Optional.empty()),
        FailInfo.POP_FAILED, "POP signature does not verify");
  }

  /**
   * A POP signature made by a key of another size is the wrong length for the requested key's modulus: the
   * verifier cannot even process it, and that is a failed POP like any other, not an internal error.
   */
  @Test
  void popSignatureOfTheWrongLengthIsPopFailed() throws Exception {
    Subscriber requested = Subscriber.rsa(2048);
    int from = ca.auditLines();
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL,
        userSigned(requested.crmf(BOB, Subscriber.rsa(1024).keys.getPrivate()), bobKey, bobCert), Optional.empty()),
        FailInfo.POP_FAILED, "POP signature does not verify");
    assertTrue(ca.eventsSince(from).contains("AUTH_SUCCESS"), ca.eventsSince(from).toString());
    assertTrue(ca.auditText().lines().reduce((a, b) -> b).orElseThrow().contains("[Outcome=Failure]"));
  }

  @Test
  void pkcs10SignatureOfTheWrongLengthIsPopFailed() throws Exception {
    Subscriber requested = Subscriber.rsa(2048);
    org.bouncycastle.pkcs.PKCS10CertificationRequest csr = new org.bouncycastle.pkcs.jcajce
        .JcaPKCS10CertificationRequestBuilder(new org.bouncycastle.asn1.x500.X500Name("UID=frank,O=Example"),
            requested.keys.getPublic()).build(Subscriber.signer(Subscriber.rsa(1024).keys.getPrivate()));
    assertFailure(submit(CmcEndpoint.FULL, userSigned(csr, agentKey, agentCert), Optional.empty()),
        FailInfo.POP_FAILED, "CSR signature does not verify");
  }

  @Test
  void missingPopIsPopRequired() throws Exception {
    Subscriber requested = Subscriber.rsa(2048);
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL, userSigned(requested.crmf(BOB, null), bobKey, bobCert),
        Optional.empty()), FailInfo.POP_REQUIRED, "no proof of possession");
  }

  @Test
  void rsa1024KeyIsRefusedByTheProfile() throws Exception {
    int from = ca.auditLines();
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL, userSigned(Subscriber.rsa(1024).crmf(BOB), bobKey, bobCert),
        Optional.empty()), FailInfo.BAD_REQUEST, "1024 bits is below the profile's minimum 2048");
    assertEquals("PROFILE_CERT_REQUEST", ca.eventsSince(from).get(3));
  }

  @Test
  void unknownProfileIsBadRequest() throws Exception {
    int from = ca.auditLines();
    assertFailure(submit(service, CmcEndpoint.USER_SIGNED_FULL, Optional.of("noSuchProfile"),
        userSigned(Subscriber.rsa(2048).crmf(BOB), bobKey, bobCert), Optional.empty()), FailInfo.BAD_REQUEST,
        "no certificate profile 'noSuchProfile'");
    assertTrue(ca.eventsSince(from).contains("PROFILE_CERT_REQUEST"));
  }

  @Test
  void userOnTheAgentEndpointIsNotAuthorized() throws Exception {
    int from = ca.auditLines();
    assertFailure(submit(CmcEndpoint.FULL, userSigned(Subscriber.rsa(2048).csr("UID=eve,O=Example"), bobKey,
        bobCert), Optional.empty()), FailInfo.BAD_REQUEST, "is not an agent");
    assertEquals(List.of("CMC_SIGNED_REQUEST_SIG_VERIFY", "AUTH_SUCCESS", "AUTHZ_FAILURE"), ca.eventsSince(from));
  }

  @Test
  void userCannotPickAProfileThatNamesAnySubject() throws Exception {
    assertFailure(submit(service, CmcEndpoint.USER_SIGNED_FULL, Optional.of("caFullCMCUserCert"),
        userSigned(Subscriber.rsa(2048).csr("UID=eve,O=Example"), bobKey, bobCert), Optional.empty()),
        FailInfo.BAD_REQUEST, "only an agent may use");
  }

  @Test
  void unknownControlFailsTheWholeMessage() throws Exception {
    byte[] request = new CmcRequestBuilder(new SecureRandom()).crmf(Subscriber.rsa(2048).crmf(BOB))
        .control(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), new DERUTF8String("?"))
        .sign(bobKey.signer(), bobCert, List.of(bobCert), Clock.systemUTC());
    int from = ca.auditLines();
    CmcResponse response = submit(CmcEndpoint.USER_SIGNED_FULL, request, Optional.empty());
    assertFailure(response, FailInfo.BAD_REQUEST, "1.3.6.1.4.1.99999.1");
    assertEquals(List.of(3), response.statuses().get(0).bodyList(), "the bodyList names the unknown control");
    assertEquals(List.of("CMC_REQUEST_RECEIVED"), ca.eventsSince(from));
  }

  @Test
  void malformedAndTruncatedBodiesAreUnreadable() throws Exception {
    byte[] good = userSigned(Subscriber.rsa(2048).crmf(BOB), bobKey, bobCert);
    for (byte[] body : List.of(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(good, good.length / 2), new byte[0])) {
      CmcReply reply = service.handle(new CmcSubmission(CmcEndpoint.USER_SIGNED_FULL, Optional.empty(), body,
          Caller.local()));
      assertFalse(assertInstanceOf(CmcReply.Unreadable.class, reply).reason().isBlank());
    }
  }

  @Test
  void operatorEnrollmentRefusesAProfileThatNeedsASigner() {
    CaException e = assertThrows(CaException.class, () -> service.enrollByOperator(
        Subscriber.rsa(2048).csr("UID=x,O=Example"), "caFullCMCUserSignedCert", "operator"));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
  }

  @Test
  void simpleRequestFromAnAgentOverTlsIsAnsweredCertsOnly() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    CmcReply reply = service.handle(new CmcSubmission(CmcEndpoint.SIMPLE, Optional.empty(),
        key.csr("UID=simple,O=Example").getEncoded(),
        new Caller("192.0.2.10", "192.0.2.1", Optional.of(TestAuthority.jca(agentCert)))));
    CmcReply.Response r = assertInstanceOf(CmcReply.Response.class, reply);
    assertEquals(CmcReply.CERTS_ONLY_MEDIA_TYPE, r.mediaType());
    CmcResponse parsed = CmcResponseParser.parse(r.der());
    assertTrue(parsed.isSimple());
    assertEquals(key.publicKeyInfo(), issuedOf(parsed).getSubjectPublicKeyInfo());
  }

  @Test
  void simpleRequestWithoutAnAgentCertificateGetsAFullFailureResponse() throws Exception {
    CmcResponse response = submit(CmcEndpoint.SIMPLE, Subscriber.rsa(2048).csr("UID=s,O=Example").getEncoded(),
        Optional.of(bobCert));
    assertFailure(response, FailInfo.BAD_REQUEST, "is not an agent");
    assertEquals(List.of(1), response.statuses().get(0).bodyList());
  }

  @Test
  void ownTokenKey_isCertifiedForKeyTransport_withoutACsr() throws Exception {
    org.p11ca.hsm.KeyHandle transport = ca.token.generateKeyPair(new org.p11ca.hsm.KeyPairSpec.Rsa(2048),
        org.p11ca.hsm.KeyAttributes.persistent("kra-transport-test", org.p11ca.hsm.KeyUsage.DECRYPT,
            org.p11ca.hsm.KeyUsage.UNWRAP));
    org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo
        .getInstance(ca.token.publicKey(transport).getEncoded());
    X509CertificateHolder cert = service.enrollOwnTokenKey(spki,
        new org.bouncycastle.asn1.x500.X500Name("CN=p11ca KRA Transport,O=Example"), "caKraTransportCert",
        "p11ca-server").cert();
    assertEquals(spki, cert.getSubjectPublicKeyInfo());
    org.bouncycastle.asn1.x509.KeyUsage ku = org.bouncycastle.asn1.x509.KeyUsage.fromExtensions(cert.getExtensions());
    assertTrue(ku.hasUsages(org.bouncycastle.asn1.x509.KeyUsage.keyEncipherment));
    assertFalse(ku.hasUsages(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature));
  }

  @Test
  void theAuditLogVerifies() throws Exception {
    ca.audit.checkpoint();
    assertInstanceOf(VerificationResult.Intact.class,
        AuditLogVerifier.verify(ca.auditFile(), ca.token.publicKey(ca.auditKey)));
  }

  /** SignedData.certificates is a SET, so DER sorts it: find the issued certificate by not being the CA's. */
  private static X509CertificateHolder issuedOf(CmcResponse response) {
    List<X509CertificateHolder> issued = response.certificates().stream().filter(c -> !c.equals(ca.caCert)).toList();
    assertEquals(1, issued.size(), "one issued certificate besides the CA chain");
    return issued.get(0);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("pattern not found");
  }
}
