package org.p11ca.ca.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.PKIArchiveOptions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.EncryptedPop;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.kra.ArchivedKey;
import org.p11ca.ca.kra.KeyArchiver;
import org.p11ca.ca.pop.EncryptedPopChallenger;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.repository.JdbcArchivedKeyStore;
import org.p11ca.ca.repository.JdbcPendingPopStore;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;

/**
 * Key archival inside enrollment: the seed's encryption-only request (no POP, PKIArchiveOptions) is archived in
 * round 1 and issued in round 2 with the archived key linked to its certificate; a key that is not the request's is
 * refused before any challenge; an archival profile without PKIArchiveOptions is mustArchiveKeys.
 */
class KeyArchivalEnrollmentTest {

  static final String BOB = "UID=bob,O=Example";

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static Subscriber bobKey;
  static X509CertificateHolder bobCert;
  static CmcService service;
  static JdbcArchivedKeyStore archived;
  static KeyHandle storage;
  static PublicKey transportPublic;

  @BeforeAll
  static void start() {
    ca = new TestAuthority("kra-enroll", dir);
    KeyHandle transport = ca.token.generateKeyPair(new KeyPairSpec.Rsa(2048),
        KeyAttributes.persistent("kra-transport", KeyUsage.DECRYPT, KeyUsage.UNWRAP));
    transportPublic = ca.token.publicKey(transport);
    storage = ca.token.generateAesKey(256, KeyAttributes.persistent("kra-storage", KeyUsage.WRAP, KeyUsage.UNWRAP));
    KeyHandle protection = ca.token.generateAesKey(256, KeyAttributes.persistent("pop-protection", KeyUsage.ENCRYPT,
        KeyUsage.DECRYPT));
    archived = new JdbcArchivedKeyStore(ca.db, Clock.systemUTC());
    List<Profile> all = new ArrayList<>(ProfileLoader.loadDefaults().all());
    all.add(ProfileLoader.parse("encArchive.yaml", "id: encArchive\nvalidity: P30D\nsubject: {from: signer}\n"
        + "keys: {rsaMinBits: 2048}\nkeyUsage: {critical: true, usages: [keyEncipherment]}\n"
        + "basicConstraints: {ca: false}\nallowEncryptionOnlyKeys: true\narchivalRequired: true\n"));
    service = new CmcService(ca.signer, new Profiles(all), ca.certificates, ca.requests, ca.agents, ca.audit,
        Clock.fixed(TestAuthority.NOW, ZoneOffset.UTC),
        Optional.of(new EncryptedPopSupport(new EncryptedPopChallenger(ca.token, protection),
            new JdbcPendingPopStore(ca.db))),
        Optional.of(new KeyArchival(new KeyArchiver(ca.token, transport, storage, new RsaPadding.Pkcs1v15()),
            archived)));
    bobKey = Subscriber.rsa(2048);
    bobCert = service.enrollByOperator(bobKey.csr(BOB), "caFullCMCUserCert", "operator").cert();
  }

  @AfterAll
  static void stop() {
    ca.close();
  }

  static CertReqMsg withArchive(CertReqMsg msg, KeyPair keyToArchive) {
    return Subscriber.withArchive(msg, keyToArchive, transportPublic);
  }


  private static CmcResponse submit(byte[] body) {
    CmcReply reply = service.handle(new CmcSubmission(CmcEndpoint.USER_SIGNED_FULL, Optional.of("encArchive"), body,
        Caller.local()));
    return CmcResponseParser.parse(assertInstanceOf(CmcReply.Response.class, reply).der());
  }

  private static byte[] signed(CmcRequestBuilder b) {
    return b.sign(bobKey.signer(), bobCert, List.of(bobCert, ca.caCert), Clock.systemUTC());
  }

  @Test
  void encryptionOnlyKeyWithArchival_isArchivedInRoundOne_andLinkedToItsCertificateInRoundTwo() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    CertReqMsg msg = withArchive(key.crmf(BOB, null), key.keys);
    int from = ca.auditLines();
    CmcResponse r1 = submit(signed(new CmcRequestBuilder(new SecureRandom()).crmf(msg)));
    assertEquals(Optional.of(FailInfo.POP_REQUIRED), r1.statuses().get(0).failInfo(),
        () -> r1.statuses().get(0).toString());
    long requestId = new BigInteger(r1.responseInfo().orElseThrow()).longValueExact();
    List<String> events = ca.eventsSince(from);
    assertTrue(events.indexOf("SECURITY_DATA_ARCHIVAL_REQUEST") >= 0
        && events.indexOf("SECURITY_DATA_ARCHIVAL_REQUEST") < events.indexOf("SECURITY_DATA_ARCHIVAL_REQUEST_PROCESSED"),
        events.toString());
    assertTrue(ca.auditText().contains("[AuditEvent=SECURITY_DATA_ARCHIVAL_REQUEST_PROCESSED]")
        && ca.auditText().contains("[ReqID=" + requestId + "][WrappedUnder="), "the stored key names its request");
    ArchivedKey stored = archived.findByRequest(requestId).orElseThrow();
    assertEquals(key.publicKeyInfo(), stored.publicKey());

    EncryptedPop pop = r1.encryptedPops().get(0);
    byte[] challenge = key.challenge(pop);
    CmcResponse r2 = submit(signed(new CmcRequestBuilder(new SecureRandom())
        .crmf(((TaggedRequest.Crmf) pop.parsedRequest()).msg())
        .control(CmcObjectIds.DECRYPTED_POP, new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
            new ASN1Integer(1), pop.popAlgorithm(), new DEROctetString(pop.proof(challenge))}))
        .control(CmcObjectIds.REG_INFO, new DEROctetString(r1.responseInfo().orElseThrow()))));
    assertEquals(CmcStatus.SUCCESS, r2.statuses().get(0).status(), () -> r2.statuses().get(0).toString());
    X509CertificateHolder issued = r2.certificates().stream().filter(c -> !c.equals(ca.caCert)).findFirst()
        .orElseThrow();
    ArchivedKey bySerial = archived.findBySerial(issued.getSerialNumber()).orElseThrow();
    // The stored form unwraps on the token into the certificate's key, without leaving it.
    KeyHandle back = ca.token.unwrapKey(storage, bySerial.wrapped().mechanism(), bySerial.wrapped().bytes(),
        ObjectClass.PRIVATE_KEY, KeyType.RSA, KeyAttributes.session(KeyUsage.DECRYPT));
    try {
      assertEquals(issued.getSubjectPublicKeyInfo(),
          SubjectPublicKeyInfo.getInstance(ca.token.publicKey(back).getEncoded()));
    } finally {
      ca.token.destroy(back);
    }
    assertTrue(ca.token.listObjects().stream().allMatch(o -> o.persistent()), "no session object left");
  }

  @Test
  void archivedKeyThatIsNotTheRequestsKey_isRefusedBeforeAnyChallenge() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    Subscriber other = Subscriber.rsa(2048);
    int from = ca.auditLines();
    CmcResponse r1 = submit(signed(new CmcRequestBuilder(new SecureRandom())
        .crmf(withArchive(key.crmf(BOB, null), other.keys))));
    assertEquals(Optional.of(FailInfo.BAD_REQUEST), r1.statuses().get(0).failInfo());
    assertTrue(r1.statuses().get(0).statusString().orElseThrow().contains("does not match the request's public"
        + " key"));
    assertTrue(r1.encryptedPops().isEmpty());
    assertTrue(ca.auditText().lines().skip(from).anyMatch(l -> l.contains("[AuditEvent=PROFILE_CERT_REQUEST]")
        && l.contains("[Outcome=Failure]")));
    assertTrue(ca.auditText().lines().skip(from).anyMatch(l -> l.contains(
        "[AuditEvent=SECURITY_DATA_ARCHIVAL_REQUEST]") && l.contains("[Outcome=Failure]")
        && l.contains("does not match")));
  }

  @Test
  void archivalProfileWithoutArchiveOptions_isMustArchiveKeys() throws Exception {
    CmcResponse r1 = submit(signed(new CmcRequestBuilder(new SecureRandom())
        .crmf(Subscriber.rsa(2048).crmf(BOB, null))));
    assertEquals(Optional.of(FailInfo.MUST_ARCHIVE_KEYS), r1.statuses().get(0).failInfo());
    assertTrue(r1.encryptedPops().isEmpty(), "a request the profile refuses is not challenged");
  }
}
