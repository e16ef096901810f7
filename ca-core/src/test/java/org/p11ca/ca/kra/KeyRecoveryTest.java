package org.p11ca.ca.kra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import org.bouncycastle.asn1.crmf.CertReqMessages;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.AuditSigner;
import org.p11ca.ca.audit.CheckpointPolicy;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.proof.SignerCertificateCheck;
import org.p11ca.ca.repository.Agent;
import org.p11ca.ca.repository.AgentRole;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.CertificateId;
import org.p11ca.ca.repository.CertificateReservation;
import org.p11ca.ca.repository.JdbcAgentStore;
import org.p11ca.ca.repository.JdbcArchivedKeyStore;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.ca.repository.JdbcKeyRecoveryStore;
import org.p11ca.ca.repository.JdbcRequestStore;
import org.p11ca.ca.repository.NewRequest;
import org.p11ca.ca.repository.RequestStatus;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenObject;
import org.p11ca.hsm.bc.TokenContentSigner;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * Key recovery end to end in the core, on a SoftHSM token: the key Dogtag's CRMFPopClient -b archived for carol
 * (shared/fixtures/dogtag) is really archived under the storage key, carol's certificate is issued on the token,
 * and three KRA agents and one CA-only agent have certificates on record. Two of three must approve.
 */
class KeyRecoveryTest {

  static final Path FIXTURES = Path.of(System.getProperty("p11ca.fixtures"));
  static final X500Name CA_NAME = new X500Name("CN=p11ca KRA Test CA,O=Example");
  static final String PASSWORD = "correct horse battery";

  @TempDir
  static Path dir;
  static Token token;
  static KeyHandle caKey;
  static KeyHandle storage;
  static X509CertificateHolder caCert;
  static CaDatabase db;
  static JdbcCertificateStore certificates;
  static JdbcAgentStore agents;
  static JdbcArchivedKeyStore archivedKeys;
  static JdbcKeyRecoveryStore recoveries;
  static AuditLog audit;
  static KraAgentAuthentication authentication;
  static final AtomicLong serials = new AtomicLong(0x1000);

  static X509Certificate carol;
  static Agent alice;
  static Agent bob;
  static Agent dave;
  static Agent caOnly;

  @BeforeAll
  static void kra() throws Exception {
    SoftHsm.TestToken t = SoftHsm.createToken("kra-recovery");
    importTransportKey(t);
    token = Pkcs11Library.open(t.config(Backend.IAIK));
    caKey = token.generateKeyPair(new KeyPairSpec.Rsa(2048),
        KeyAttributes.persistent("ca-signing", org.p11ca.hsm.KeyUsage.SIGN));
    KeyHandle auditKey = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
        KeyAttributes.persistent("audit-signing", org.p11ca.hsm.KeyUsage.SIGN));
    storage = token.generateAesKey(256, KeyAttributes.persistent("kra-storage", org.p11ca.hsm.KeyUsage.WRAP,
        org.p11ca.hsm.KeyUsage.UNWRAP));
    caCert = caCertificate();
    Clock clock = Clock.systemUTC();
    db = CaDatabase.openSqlite(dir.resolve("data"));
    certificates = new JdbcCertificateStore(db, clock);
    agents = new JdbcAgentStore(db, clock);
    archivedKeys = new JdbcArchivedKeyStore(db, clock);
    recoveries = new JdbcKeyRecoveryStore(db, clock);
    audit = AuditLog.open(auditFile(), AuditSigner.of(token, auditKey),
        new CheckpointPolicy(50, Duration.ofHours(1), false), clock);
    authentication = new KraAgentAuthentication(new SignerCertificateCheck(caCert, certificates, clock), agents,
        audit);

    // Archive carol's key as the CA does for a CRMF request with PKIArchiveOptions, and issue her certificate.
    CertReqMsg msg = CertReqMessages.getInstance(Files.readAllBytes(
        FIXTURES.resolve("crmf/carol_archival_kwpad_rsa2048.der"))).toCertReqMsgArray()[0];
    SubjectPublicKeyInfo carolKey = msg.getCertReq().getCertTemplate().getPublicKey();
    KeyHandle transport = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("kra-transport"));
    ArchivedKey archived = new KeyArchiver(token, transport, storage, new RsaPadding.Pkcs1v15())
        .archive(ArchiveOptions.of(msg).orElseThrow(), carolKey);
    long requestId = new JdbcRequestStore(db, clock).create(new NewRequest(RequestStatus.PENDING,
        "caFullCMCUserCert", "UID=carol,O=Example", "UID=carol,O=Example", Optional.empty())).id();
    archivedKeys.save(requestId, archived);
    carol = issue("UID=carol,O=Example", carolKey, Optional.of(requestId), KeyUsage.keyEncipherment);
    archivedKeys.linkCertificate(requestId, carol.getSerialNumber());

    alice = agent("UID=alice,OU=KRA Agents,O=Example", "alice", AgentRole.KRA_AGENT);
    bob = agent("UID=bob,OU=KRA Agents,O=Example", "bob", AgentRole.KRA_AGENT);
    dave = agent("UID=dave,OU=KRA Agents,O=Example", "dave", AgentRole.KRA_AGENT);
    caOnly = agent("UID=erin,OU=CA Agents,O=Example", "erin", AgentRole.CA_AGENT);
  }

  @AfterAll
  static void close() {
    audit.close();
    db.close();
    token.close();
  }

  static KeyRecovery recovery(int requiredApprovals) {
    return recovery(new KeyRecoveryPolicy(requiredApprovals), Clock.systemUTC());
  }

  static KeyRecovery recovery(KeyRecoveryPolicy policy, Clock clock) {
    return new KeyRecovery(archivedKeys, recoveries, certificates, agents, new ArchivedKeyExport(token, storage),
        policy, audit, clock);
  }

  @Test
  void aRecoveryPastItsLifetime_cannotBeApprovedOrReleased_andIsNotListed() throws Exception {
    org.p11ca.hsm.testing.MutableClock clock = new org.p11ca.hsm.testing.MutableClock(java.time.Instant.now());
    KeyRecovery kra = recovery(new KeyRecoveryPolicy(1, Duration.ofHours(2)), clock);
    long id = kra.request(carol.getSerialNumber(), alice);
    assertTrue(kra.listOpen(bob).stream().anyMatch(r -> r.recoveryId() == id));
    kra.approve(id, alice);
    clock.advance(Duration.ofHours(2).plusSeconds(1));
    CaException late = assertThrows(CaException.class, () -> kra.release(id, alice, PASSWORD.toCharArray(),
        chain()));
    assertEquals(FailInfo.BAD_REQUEST, late.failInfo());
    assertTrue(late.detail().contains("key recovery " + id + " expired at"), late.detail());
    CaException lateApproval = assertThrows(CaException.class, () -> kra.approve(id, bob));
    assertTrue(lateApproval.detail().contains("expired"), lateApproval.detail());
    assertTrue(kra.listOpen(bob).stream().noneMatch(r -> r.recoveryId() == id));
    assertNoSessionObjects();
  }

  @Test
  void aCancelledRecovery_cannotBeApprovedOrReleased_andCancellingTwiceOrAfterReleaseIsRefused() throws Exception {
    KeyRecovery kra = recovery(1);
    int from = auditLines();
    long id = kra.request(carol.getSerialNumber(), alice);
    kra.approve(id, alice);
    audit.checkpoint(); // no checkpoint (which syncs) falls on the cancel's record
    kra.cancel(id, bob);
    assertEquals(audit.lastSequenceNumber(), audit.durableThrough(), "the cancel is answered once audited on disk");
    CaException release = assertThrows(CaException.class, () -> kra.release(id, alice, PASSWORD.toCharArray(),
        chain()));
    assertEquals(FailInfo.BAD_REQUEST, release.failInfo());
    assertEquals("key recovery " + id + " was cancelled; ask for the key again", release.detail());
    assertThrows(CaException.class, () -> kra.approve(id, dave));
    CaException again = assertThrows(CaException.class, () -> kra.cancel(id, alice));
    assertTrue(again.detail().contains("was cancelled"), again.detail());
    assertTrue(kra.listOpen(alice).stream().noneMatch(r -> r.recoveryId() == id));
    CaException notKra = assertThrows(CaException.class, () -> kra.cancel(id, caOnly));
    assertEquals(FailInfo.BAD_IDENTITY, notKra.failInfo());

    long released = kra.request(carol.getSerialNumber(), alice);
    kra.approve(released, alice);
    java.util.Arrays.fill(kra.release(released, alice, PASSWORD.toCharArray(), chain()), (byte) 0);
    CaException afterRelease = assertThrows(CaException.class, () -> kra.cancel(released, alice));
    assertTrue(afterRelease.detail().contains("was released already"), afterRelease.detail());
    List<String> lines = Files.readAllLines(auditFile());
    List<String> cancels = lines.subList(from, lines.size()).stream()
        .filter(l -> l.contains("[AuditEvent=SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE]")
            && l.contains("[Operation=cancel]"))
        .toList();
    assertEquals(4, cancels.size(), String.join("\n", lines.subList(from, lines.size())));
    assertTrue(cancels.get(0).contains("[Outcome=Success]"), cancels.get(0));
    assertTrue(cancels.stream().skip(1).allMatch(l -> l.contains("[Outcome=Failure]")), String.join("\n", cancels));
    assertNoSessionObjects();
  }

  @Test
  void twoOfThree_refusedWithZeroAndOneApproval_releasedOnceToTheRequester_andTheKeyDecryptsForTheCertificate()
      throws Exception {
    KeyRecovery kra = recovery(2);
    int from = auditLines();
    audit.checkpoint(); // no checkpoint (which syncs) falls on the records checked for durability below
    long id = kra.request(carol.getSerialNumber(), alice);
    assertEquals(audit.lastSequenceNumber(), audit.durableThrough(), "the request is answered once audited on disk");

    CaException none = assertThrows(CaException.class, () -> kra.release(id, alice, PASSWORD.toCharArray(), chain()));
    assertEquals(FailInfo.BAD_REQUEST, none.failInfo());
    assertEquals("key recovery " + id + " has 0 of the 2 agent approvals it needs", none.detail());

    assertEquals(new RecoveryApprovals(id, 1, 2), kra.approve(id, alice));
    CaException one = assertThrows(CaException.class, () -> kra.release(id, alice, PASSWORD.toCharArray(), chain()));
    assertEquals(FailInfo.BAD_REQUEST, one.failInfo());
    assertTrue(one.detail().contains("has 1 of the 2"), one.detail());

    CaException twice = assertThrows(CaException.class, () -> kra.approve(id, alice));
    assertEquals(FailInfo.BAD_REQUEST, twice.failInfo());
    assertTrue(twice.detail().contains("already approved"), twice.detail());

    RecoveryApprovals two = kra.approve(id, bob);
    assertEquals(audit.lastSequenceNumber(), audit.durableThrough(), "the approval is answered once audited on disk");
    assertTrue(two.complete());
    assertEquals(2, two.approvals());

    CaException notRequester = assertThrows(CaException.class,
        () -> kra.release(id, bob, PASSWORD.toCharArray(), chain()));
    assertEquals(FailInfo.BAD_IDENTITY, notRequester.failInfo());
    CaException weak = assertThrows(CaException.class, () -> kra.release(id, alice, "short".toCharArray(), chain()));
    assertEquals(FailInfo.BAD_REQUEST, weak.failInfo());
    assertTrue(weak.detail().contains("at least 8"), weak.detail());

    audit.checkpoint(); // no checkpoint (which syncs) falls on the release's own record
    byte[] p12 = kra.release(id, alice, PASSWORD.toCharArray(), chain());
    assertEquals(audit.lastSequenceNumber(), audit.durableThrough(),
        "the key leaves only once SECURITY_DATA_EXPORT_KEY is on disk");
    assertNoSessionObjects();

    CaException again = assertThrows(CaException.class, () -> kra.release(id, alice, PASSWORD.toCharArray(), chain()));
    assertEquals(FailInfo.BAD_REQUEST, again.failInfo());
    assertTrue(again.detail().contains("released already"), again.detail());
    CaException late = assertThrows(CaException.class, () -> kra.approve(id, dave));
    assertEquals(FailInfo.BAD_REQUEST, late.failInfo());

    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(p12), PASSWORD.toCharArray());
    PrivateKey recovered = (PrivateKey) store.getKey("recovered", PASSWORD.toCharArray());
    assertEquals(carol, store.getCertificateChain("recovered")[0]);
    assertEquals(List.of(carol, new JcaX509CertificateConverter().getCertificate(caCert)),
        List.of(store.getCertificateChain("recovered")));
    byte[] secret = token.generateRandom(32);
    Cipher enc = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
    enc.init(Cipher.ENCRYPT_MODE, carol.getPublicKey());
    Cipher dec = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
    dec.init(Cipher.DECRYPT_MODE, recovered);
    assertArrayEquals(secret, dec.doFinal(enc.doFinal(secret)), "data encrypted to carol's certificate decrypts");
    assertEquals(opensslModulus("x509", pem("CERTIFICATE", carol.getEncoded())),
        opensslPkcs12KeyModulus(p12), "openssl finds the certificate's key in the PKCS#12");

    String aliceId = subjectId(alice);
    String bobId = subjectId(bob);
    assertEquals(List.of(
        "SECURITY_DATA_RECOVERY_REQUEST|" + aliceId + "|Success",
        "SECURITY_DATA_EXPORT_KEY|" + aliceId + "|Failure",
        "SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE|" + aliceId + "|Success",
        "SECURITY_DATA_EXPORT_KEY|" + aliceId + "|Failure",
        "SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE|" + aliceId + "|Failure",
        "SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE|" + bobId + "|Success",
        "SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE|" + bobId + "|Success",
        "SECURITY_DATA_EXPORT_KEY|" + bobId + "|Failure",
        "SECURITY_DATA_EXPORT_KEY|" + aliceId + "|Failure",
        "SECURITY_DATA_EXPORT_KEY|" + aliceId + "|Success",
        "SECURITY_DATA_EXPORT_KEY|" + aliceId + "|Failure",
        "SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE|" + subjectId(dave) + "|Failure"), events(from));
    String text = Files.readString(auditFile());
    assertTrue(text.contains("[AuditEvent=SECURITY_DATA_RECOVERY_REQUEST][SubjectID=" + aliceId
        + "][Outcome=Success][RecoveryID=" + id + "][SerialNum=" + carol.getSerialNumber() + "]"), text);
    assertTrue(text.contains("[RecoveryID=" + id + "][Operation=approved (2 of 2)]"), text);
    assertTrue(text.contains("[AuditEvent=SECURITY_DATA_EXPORT_KEY][SubjectID=" + aliceId + "][Outcome=Success]"
        + "[RecoveryID=" + id + "][SerialNum=" + carol.getSerialNumber() + "]"), text);
    assertFalse(text.contains(PASSWORD), "the password is never audited");
  }

  @Test
  void anAgentWithoutKraAgent_cannotRequestApproveOrRelease() throws Exception {
    KeyRecovery kra = recovery(1);
    int from = auditLines();
    CaException request = assertThrows(CaException.class, () -> kra.request(carol.getSerialNumber(), caOnly));
    assertEquals(FailInfo.BAD_IDENTITY, request.failInfo());
    assertTrue(request.detail().contains("does not hold the KRA_AGENT role"), request.detail());

    long id = kra.request(carol.getSerialNumber(), alice);
    assertEquals(FailInfo.BAD_IDENTITY, assertThrows(CaException.class, () -> kra.approve(id, caOnly)).failInfo());
    kra.approve(id, alice);
    assertEquals(FailInfo.BAD_IDENTITY, assertThrows(CaException.class,
        () -> kra.release(id, caOnly, PASSWORD.toCharArray(), chain())).failInfo());
    String erin = subjectId(caOnly);
    List<String> events = events(from);
    assertEquals("SECURITY_DATA_RECOVERY_REQUEST|" + erin + "|Failure", events.get(0));
    assertTrue(events.contains("SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE|" + erin + "|Failure"), events.toString());
    assertTrue(events.contains("SECURITY_DATA_EXPORT_KEY|" + erin + "|Failure"), events.toString());

    // An Agent record made up by a caller counts for nothing: roles are read from the agent store.
    Agent forged = new Agent(caOnly.certificate(), "erin", Set.of(AgentRole.KRA_AGENT));
    assertEquals(FailInfo.BAD_IDENTITY, assertThrows(CaException.class, () -> kra.approve(id, forged)).failInfo());
  }

  @Test
  void aSerialWithoutCertificateOrWithoutArchivedKey_isRefusedAsUnknown() {
    KeyRecovery kra = recovery(1);
    CaException noCert = assertThrows(CaException.class, () -> kra.request(BigInteger.valueOf(0xdead), alice));
    assertEquals(FailInfo.BAD_CERT_ID, noCert.failInfo());
    assertEquals("this CA has issued no certificate with serial 0xdead", noCert.detail());
    BigInteger agentSerial = alice.certificate().serial();
    CaException noKey = assertThrows(CaException.class, () -> kra.request(agentSerial, alice));
    assertEquals(FailInfo.BAD_CERT_ID, noKey.failInfo());
    assertTrue(noKey.detail().startsWith("no key was archived for certificate 0x" + agentSerial.toString(16)),
        noKey.detail());
    assertEquals(FailInfo.BAD_CERT_ID, assertThrows(CaException.class,
        () -> kra.request(BigInteger.valueOf(-5), alice)).failInfo());
  }

  @Test
  void anUnknownRecoveryId_isRefusedAsUnknown() {
    KeyRecovery kra = recovery(1);
    CaException approve = assertThrows(CaException.class, () -> kra.approve(987_654, alice));
    assertEquals(FailInfo.BAD_CERT_ID, approve.failInfo());
    assertEquals("there is no key recovery 987654", approve.detail());
    assertEquals(FailInfo.BAD_CERT_ID, assertThrows(CaException.class,
        () -> kra.release(987_654, alice, PASSWORD.toCharArray(), chain())).failInfo());
  }

  @Test
  void raisingTheRequiredApprovals_appliesToARecoveryAlreadyAskedFor() {
    long id = recovery(1).request(carol.getSerialNumber(), alice);
    assertTrue(recovery(1).approve(id, alice).complete());
    CaException e = assertThrows(CaException.class,
        () -> recovery(3).release(id, alice, PASSWORD.toCharArray(), chain()));
    assertTrue(e.detail().contains("has 1 of the 3"), e.detail());
    recovery(3).approve(id, bob);
    assertTrue(recovery(3).approve(id, dave).complete());
    // Back at one (stored 1, configured 1), the three approvals are more than enough.
    assertTrue(recovery(1).release(id, alice, PASSWORD.toCharArray(), chain()).length > 0);
  }

  @Test
  void theAgentCertificate_mustBeThisCasAndAnAgents() throws Exception {
    X509Certificate aliceCert = certificate(alice);
    assertEquals(alice, authentication.authenticate(aliceCert, KraAgentAuthentication.TLS_CLIENT_CERTIFICATE));

    KeyPair other = rsaKey();
    X509Certificate foreign = selfSigned("CN=p11ca KRA Test CA,O=Example", other);
    CaException notOurs = assertThrows(CaException.class,
        () -> authentication.authenticate(foreign, KraAgentAuthentication.TLS_CLIENT_CERTIFICATE));
    assertEquals(FailInfo.BAD_IDENTITY, notOurs.failInfo());
    assertTrue(notOurs.detail().startsWith("agent certificate"), notOurs.detail());

    X509Certificate plain = issue("UID=frank,O=Example", SubjectPublicKeyInfo.getInstance(rsaKey().getPublic()
        .getEncoded()), Optional.empty(), KeyUsage.digitalSignature);
    CaException notAgent = assertThrows(CaException.class,
        () -> authentication.authenticate(plain, KraAgentAuthentication.OPERATOR_NAMED_AGENT));
    assertEquals(FailInfo.BAD_IDENTITY, notAgent.failInfo());
    assertTrue(notAgent.detail().endsWith("is not an agent certificate"), notAgent.detail());
  }

  // ---- fixtures ----

  static List<X509Certificate> chain() {
    try {
      return List.of(new JcaX509CertificateConverter().getCertificate(caCert));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Path auditFile() {
    return dir.resolve("audit.log");
  }

  static int auditLines() throws IOException {
    return Files.exists(auditFile()) ? Files.readAllLines(auditFile()).size() : 0;
  }

  /** {@code EVENT|SubjectID|Outcome} of the KRA events written since line {@code from}. */
  static List<String> events(int from) throws IOException {
    Pattern p = Pattern.compile("\\[AuditEvent=(SECURITY_DATA_[A-Z_]+)\\]\\[SubjectID=([^\\]]*)\\]"
        + "\\[Outcome=([A-Za-z]+)\\]");
    List<String> lines = Files.readAllLines(auditFile());
    List<String> out = new ArrayList<>();
    for (String line : lines.subList(from, lines.size())) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        out.add(m.group(1) + "|" + m.group(2) + "|" + m.group(3));
      }
    }
    return out;
  }

  static void assertNoSessionObjects() {
    List<TokenObject> left = token.listObjects().stream().filter(o -> !o.persistent()).toList();
    assertEquals(List.of(), left, "no session object is left on the token");
  }

  static Agent agent(String subject, String name, AgentRole role) throws Exception {
    X509Certificate cert = issue(subject, SubjectPublicKeyInfo.getInstance(rsaKey().getPublic().getEncoded()),
        Optional.empty(), KeyUsage.digitalSignature);
    CertificateId id = CertificateId.of(cert.getIssuerX500Principal(), cert.getSerialNumber());
    agents.grant(id, name, Set.of(role));
    return agents.findAgent(id).orElseThrow();
  }

  /** What the audit names an agent by: its certificate's subject, RFC 4514 (most specific RDN first). */
  static String subjectId(Agent agent) throws Exception {
    return certificate(agent).getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253);
  }

  static X509Certificate certificate(Agent agent) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(new X509CertificateHolder(
        certificates.find(agent.certificate().serial()).orElseThrow().certificate().orElseThrow()));
  }

  /** Issues on the token and records it as the CA does: reserved with its TBSCertificate, then issued. */
  static X509Certificate issue(String subject, SubjectPublicKeyInfo key, Optional<Long> requestId, int usage)
      throws Exception {
    BigInteger serial = BigInteger.valueOf(serials.incrementAndGet());
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(CA_NAME, serial, Date.from(now.minusSeconds(3600)),
        Date.from(now.plus(Duration.ofDays(1))), new X500Name(subject), key);
    b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
    X509CertificateHolder cert = b.build(new TokenContentSigner(token, caKey, SignatureAlgorithm.RSA_PKCS1_SHA256));
    assertTrue(certificates.reserve(new CertificateReservation(serial, requestId, "caFullCMCUserCert",
        DistinguishedNames.rfc4514(cert.getSubject()), cert.toASN1Structure().getTBSCertificate().getEncoded())));
    certificates.markIssued(serial, cert.getEncoded(), cert.getNotBefore().toInstant(),
        cert.getNotAfter().toInstant());
    return new JcaX509CertificateConverter().getCertificate(cert);
  }

  static X509CertificateHolder caCertificate() throws Exception {
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(token.publicKey(caKey).getEncoded());
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(CA_NAME, BigInteger.ONE,
        Date.from(now.minusSeconds(86_400)), Date.from(now.plus(Duration.ofDays(365))), CA_NAME, spki);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return b.build(new TokenContentSigner(token, caKey, SignatureAlgorithm.RSA_PKCS1_SHA256));
  }

  static X509Certificate selfSigned(String subject, KeyPair keys) throws Exception {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(new X500Name(subject), BigInteger.TEN,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), new X500Name(subject),
        SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
    return new JcaX509CertificateConverter().getCertificate(b.build(
        new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
  }

  static KeyPair rsaKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  /** The KRA transport key of the Dogtag fixtures, put on the token with pkcs11-tool as an operator would. */
  static void importTransportKey(SoftHsm.TestToken t) throws Exception {
    String pem = Files.readString(FIXTURES.resolve("ca/kra-transport.key.pem"));
    byte[] pkcs8 = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
    Path der = Files.write(dir.resolve("kra-transport.pk8"), pkcs8);
    ProcessBuilder pb = new ProcessBuilder("pkcs11-tool", "--module", SoftHsm.library().toString(), "--token-label",
        t.label(), "--login", "--pin", "env:P11CA_TEST_PIN", "--write-object", der.toString(), "--type", "privkey",
        "--label", "kra-transport", "--id", "4b5241", "--usage-decrypt").redirectErrorStream(true);
    pb.environment().put("P11CA_TEST_PIN", new String(t.userPin()));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
  }

  static Path pem(String type, byte[] der) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "cert", ".pem"), "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n");
  }

  static String opensslModulus(String kind, Path file) throws Exception {
    return openssl(Map.of(), kind, "-in", file.toString(), "-noout", "-modulus");
  }

  /** openssl, sharing no code with us, opens the PKCS#12 with the password and prints its key's modulus. */
  static String opensslPkcs12KeyModulus(byte[] p12) throws Exception {
    Path file = Files.write(Files.createTempFile(dir, "recovered", ".p12"), p12);
    Map<String, String> env = new HashMap<>();
    env.put("P11CA_P12_PASS", PASSWORD);
    String key = openssl(env, "pkcs12", "-in", file.toString(), "-nocerts", "-nodes", "-passin",
        "env:P11CA_P12_PASS");
    Path keyPem = Files.writeString(Files.createTempFile(dir, "recovered", ".key.pem"), key);
    return opensslModulus("rsa", keyPem);
  }

  static String openssl(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    assertEquals(0, p.waitFor(), err);
    return out;
  }
}
