package org.p11ca.ca.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.cmc.RevocationRequest;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.repository.CertificateRecord;
import org.p11ca.ca.repository.CertificateStatus;
import org.p11ca.ca.repository.JdbcSharedSecretStore;
import org.p11ca.ca.repository.RevocationReason;
import org.p11ca.ca.secret.SharedSecretAdministration;
import org.p11ca.ca.secret.SharedSecretPolicy;
import org.p11ca.ca.secret.SharedSecretVault;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;

/**
 * Revocation through CMC (RFC 5272 section 6.11): users revoke certificates of their own subject, agents any of this
 * CA's, the holder of a shared secret by an unsigned request; the failure cases get clear failInfos; all audited.
 */
class CmcRevocationTest {

  static final String BOB = "UID=bob,O=Example";
  static final String CAROL = "UID=carol,O=Example";
  static final String AGENT = "UID=agent1,CN=CMC Agent,O=Example";
  static final int KEY_COMPROMISE = 1;

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static CmcService service;
  static SharedSecretAdministration secrets;
  static final List<BigInteger> heard = new CopyOnWriteArrayList<>();
  static Subscriber bobKey;
  static X509CertificateHolder bobCert;
  static Subscriber agentKey;
  static X509CertificateHolder agentCert;

  @BeforeAll
  static void start() {
    ca = new TestAuthority("cmc-revocation", dir);
    KeyHandle key = ca.token.generateAesKey(256, KeyAttributes.persistent("shared-secret",
        org.p11ca.hsm.KeyUsage.ENCRYPT, org.p11ca.hsm.KeyUsage.DECRYPT));
    Clock clock = Clock.fixed(TestAuthority.NOW, ZoneOffset.UTC);
    JdbcSharedSecretStore store = new JdbcSharedSecretStore(ca.db);
    SharedSecretVault vault = new SharedSecretVault(ca.token, key);
    secrets = new SharedSecretAdministration(store, vault, ca.token, SharedSecretPolicy.DEFAULT, ca.audit, clock);
    service = new CmcService(ca.signer, ProfileLoader.loadDefaults(), ca.certificates, ca.requests, ca.agents,
        ca.audit, clock, Optional.empty(), Optional.empty(),
        Optional.of(new SharedSecretIdentities(store, vault, SharedSecretPolicy.DEFAULT)));
    service.onRevocation(heard::add);
    bobKey = Subscriber.rsa(2048);
    bobCert = issue(bobKey, BOB);
    agentKey = Subscriber.rsa(2048);
    agentCert = issue(agentKey, AGENT);
    ca.makeAgent(agentCert, "agent1");
  }

  @AfterAll
  static void stop() {
    ca.close();
  }

  static X509CertificateHolder issue(Subscriber key, String subject) {
    return service.enrollByOperator(key.csr(subject), "caFullCMCUserCert", "operator").cert();
  }

  static RevocationRequest revocation(BigInteger serial, Optional<byte[]> passphrase) {
    return new RevocationRequest(TestAuthority.CA_NAME, serial, KEY_COMPROMISE,
        Optional.of(Instant.parse("2026-05-30T08:00:00Z")), passphrase, Optional.of("laptop stolen"));
  }

  static byte[] signed(RevocationRequest r, Subscriber key, X509CertificateHolder cert) {
    return new CmcRequestBuilder(new SecureRandom()).dogtagStyleSenderNonce().revokeRequest(r)
        .sign(key.signer(), cert, List.of(cert, ca.caCert), Clock.systemUTC());
  }

  static CmcResponse submit(CmcEndpoint endpoint, byte[] body) {
    CmcReply reply = service.handle(new CmcSubmission(endpoint, Optional.empty(), body, Caller.local()));
    return CmcResponseParser.parse(assertInstanceOf(CmcReply.Response.class, reply).der());
  }

  static void assertRevoked(CmcResponse r, BigInteger serial) {
    CmcStatusInfo status = r.statuses().get(0);
    assertEquals(CmcStatus.SUCCESS, status.status(), () -> status.statusString().orElse(""));
    CertificateRecord record = ca.certificates.find(serial).orElseThrow();
    assertEquals(CertificateStatus.REVOKED, record.status());
    assertEquals(RevocationReason.KEY_COMPROMISE, record.revocation().orElseThrow().reason());
    assertEquals(Optional.of(Instant.parse("2026-05-30T08:00:00Z")), record.revocation().orElseThrow()
        .invalidityDate());
    assertTrue(heard.contains(serial), "the revocation listener heard of it");
  }

  static void assertFailure(CmcResponse r, FailInfo expected, String reasonPart) {
    CmcStatusInfo status = r.statuses().get(0);
    assertEquals(CmcStatus.FAILED, status.status());
    assertEquals(Optional.of(expected), status.failInfo(), () -> status.statusString().orElse(""));
    assertTrue(status.statusString().orElseThrow().contains(reasonPart), status.statusString().orElseThrow());
  }

  @Test
  void userSigned_revokesAnotherCertificateOfItsOwnSubject_auditedAndHeard() throws Exception {
    X509CertificateHolder bobEncryption = issue(Subscriber.rsa(2048), BOB);
    int from = ca.auditLines();
    CmcResponse r = submit(CmcEndpoint.USER_SIGNED_FULL, signed(revocation(bobEncryption.getSerialNumber(),
        Optional.empty()), bobKey, bobCert));
    assertRevoked(r, bobEncryption.getSerialNumber());
    List<String> events = ca.eventsSince(from);
    assertEquals(List.of("CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS", "AUTH_SUCCESS", "CERT_STATUS_CHANGE_REQUEST",
        "CERT_STATUS_CHANGE_REQUEST_PROCESSED"), events);
    assertTrue(ca.auditText().contains("[CertSerialNum=" + bobEncryption.getSerialNumber()
        + "][RequestType=revoke][RevokeReasonNum=1]"));
  }

  @Test
  void userSigned_certificateOfAnotherSubject_isRefused() throws Exception {
    X509CertificateHolder carol = issue(Subscriber.rsa(2048), CAROL);
    int from = ca.auditLines();
    assertFailure(submit(CmcEndpoint.USER_SIGNED_FULL, signed(revocation(carol.getSerialNumber(), Optional.empty()),
        bobKey, bobCert)), FailInfo.BAD_REQUEST, "may revoke only certificates with its own subject");
    assertEquals(CertificateStatus.ISSUED, ca.certificates.find(carol.getSerialNumber()).orElseThrow().status());
    assertTrue(ca.eventsSince(from).contains("CERT_STATUS_CHANGE_REQUEST_PROCESSED"));
    assertTrue(ca.auditText().contains("[AuditEvent=CERT_STATUS_CHANGE_REQUEST_PROCESSED][SubjectID="
        + org.p11ca.ca.cmc.DistinguishedNames.rfc4514(bobCert.getSubject()) + "][Outcome=Failure]"));
  }

  @Test
  void agentSigned_revokesAnyCertificate_andARevokedOneCannotBeRevokedAgain() {
    X509CertificateHolder carol = issue(Subscriber.rsa(2048), CAROL);
    byte[] body = signed(revocation(carol.getSerialNumber(), Optional.empty()), agentKey, agentCert);
    assertRevoked(submit(CmcEndpoint.FULL, body), carol.getSerialNumber());
    assertFailure(submit(CmcEndpoint.FULL, signed(revocation(carol.getSerialNumber(), Optional.empty()), agentKey,
        agentCert)), FailInfo.BAD_REQUEST, "already revoked");
  }

  @Test
  void unknownSerialAndForeignIssuer_areBadCertId() {
    assertFailure(submit(CmcEndpoint.FULL, signed(revocation(new BigInteger("123456789abcdef", 16),
        Optional.empty()), agentKey, agentCert)), FailInfo.BAD_CERT_ID, "was issued by this CA");
    RevocationRequest foreign = new RevocationRequest(new X500Name("CN=Test CA,O=Example"), bobCert.getSerialNumber(),
        KEY_COMPROMISE, Optional.empty(), Optional.empty(), Optional.empty());
    assertFailure(submit(CmcEndpoint.FULL, signed(foreign, agentKey, agentCert)), FailInfo.BAD_CERT_ID,
        "is not this CA");
  }

  @Test
  void unsignedWithTheHoldersSharedSecret_revokes_andAWrongSecretIsBadIdentity() {
    Subscriber key = Subscriber.rsa(2048);
    X509CertificateHolder dora = issue(key, "UID=dora,O=Example");
    secrets.create(new SharedSecretAdministration.Request("dora", Optional.empty(), Optional.of(Duration.ofDays(1)),
        OptionalInt.of(1), Optional.of("DoraRevokes.123456".toCharArray())), "operator");
    byte[] wrong = new CmcRequestBuilder(new SecureRandom()).revokeRequest(revocation(dora.getSerialNumber(),
        Optional.of("NotDorasSecret.0000".getBytes(UTF_8)))).unsigned();
    assertFailure(submit(CmcEndpoint.FULL, wrong), FailInfo.BAD_IDENTITY, "does not match");
    assertEquals(CertificateStatus.ISSUED, ca.certificates.find(dora.getSerialNumber()).orElseThrow().status());
    byte[] right = new CmcRequestBuilder(new SecureRandom()).revokeRequest(revocation(dora.getSerialNumber(),
        Optional.of("DoraRevokes.123456".getBytes(UTF_8)))).unsigned();
    assertRevoked(submit(CmcEndpoint.FULL, right), dora.getSerialNumber());
  }

  @Test
  void unsignedWithoutSecret_isBadRequest() {
    byte[] body = new CmcRequestBuilder(new SecureRandom()).revokeRequest(revocation(bobCert.getSerialNumber(),
        Optional.empty())).unsigned();
    assertFailure(submit(CmcEndpoint.FULL, body), FailInfo.BAD_REQUEST, "shared secret");
  }
}
