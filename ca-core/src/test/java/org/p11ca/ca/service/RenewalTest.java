package org.p11ca.ca.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.hsm.testing.MutableClock;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.repository.RevocationReason;

/**
 * Renewal rules (second seed page, first bullet): the grace window around the signer's expiry, same-key renewal
 * allowed or refused by the profile, and no renewal of or with a revoked certificate's key.
 */
class RenewalTest {

  static final String BOB = "UID=bob,O=Example";

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static MutableClock clock;
  static CmcService service;

  @BeforeAll
  static void start() {
    ca = new TestAuthority("renewal", dir);
    clock = new MutableClock(TestAuthority.NOW);
    List<Profile> all = new ArrayList<>(ProfileLoader.loadDefaults().all());
    all.add(ProfileLoader.parse("shortUser.yaml", "id: shortUser\nvalidity: P20D\nsubject: {from: request}\n"
        + "keys: {rsaMinBits: 2048}\nkeyUsage: {critical: true, usages: [digitalSignature]}\n"
        + "basicConstraints: {ca: false}\n"));
    all.add(renewalProfile("renewWindow", "false", "P30D", "P7D"));
    all.add(renewalProfile("renewSameKey", "true", "P30D", "P0D"));
    service = new CmcService(ca.signer, new Profiles(all), ca.certificates, ca.requests, ca.agents, ca.audit, clock);
  }

  @AfterAll
  static void stop() {
    ca.close();
  }

  static Profile renewalProfile(String id, String sameKey, String before, String after) {
    return ProfileLoader.parse(id + ".yaml", "id: " + id + "\nvalidity: P20D\nsubject: {from: signer}\n"
        + "keys: {rsaMinBits: 2048}\nkeyUsage: {critical: true, usages: [digitalSignature]}\n"
        + "basicConstraints: {ca: false}\nrenewal: {allowSameKeyRenewal: " + sameKey + ", graceBefore: " + before
        + ", graceAfter: " + after + "}\n");
  }

  /** A certificate for bob valid 20 days from the clock's now. */
  static X509CertificateHolder shortLived(Subscriber key) {
    return service.enrollByOperator(key.csr(BOB), "shortUser", "operator").cert();
  }

  static CmcStatusInfo renew(String profile, Subscriber newKey, Subscriber signerKey, X509CertificateHolder signer) {
    return renewResponse(profile, newKey, signerKey, signer).statuses().get(0);
  }

  static CmcResponse renewResponse(String profile, Subscriber newKey, Subscriber signerKey,
      X509CertificateHolder signer) {
    byte[] body = new CmcRequestBuilder(new SecureRandom()).crmf(newKey.crmf(BOB))
        .sign(signerKey.signer(), signer, List.of(signer, ca.caCert), Clock.systemUTC());
    CmcReply reply = service.handle(new CmcSubmission(CmcEndpoint.USER_SIGNED_FULL, Optional.of(profile), body,
        Caller.local()));
    return CmcResponseParser.parse(assertInstanceOf(CmcReply.Response.class, reply).der());
  }

  static void assertIssued(CmcStatusInfo s) {
    assertEquals(CmcStatus.SUCCESS, s.status(), () -> s.statusString().orElse(""));
  }

  static void assertRefused(CmcStatusInfo s, FailInfo failInfo, String reasonPart) {
    assertEquals(CmcStatus.FAILED, s.status());
    assertEquals(Optional.of(failInfo), s.failInfo(), () -> s.statusString().orElse(""));
    assertTrue(s.statusString().orElseThrow().contains(reasonPart), s.statusString().orElseThrow());
  }

  @Test
  void insideTheWindowBeforeExpiry_renews_andTooEarly_isRefused() {
    Subscriber key = Subscriber.rsa(2048);
    X509CertificateHolder cert = service.enrollByOperator(key.csr(BOB), "caFullCMCUserCert", "operator").cert();
    // 180 days left: more than graceBefore (30 days).
    assertRefused(renew("renewWindow", Subscriber.rsa(2048), key, cert), FailInfo.BAD_REQUEST, "can be renewed");
    // 20 days left: inside.
    Subscriber shortKey = Subscriber.rsa(2048);
    assertIssued(renew("renewWindow", Subscriber.rsa(2048), shortKey, shortLived(shortKey)));
  }

  @Test
  void afterExpiry_withinGraceAfter_renews_andBeyondIt_isRefused() {
    Subscriber key = Subscriber.rsa(2048);
    X509CertificateHolder cert = shortLived(key);
    Instant expiry = cert.getNotAfter().toInstant();
    clock.advance(Duration.between(clock.instant(), expiry.plus(Duration.ofDays(3))));
    try {
      assertIssued(renew("renewWindow", Subscriber.rsa(2048), key, cert));
      clock.advance(Duration.ofDays(5));
      assertRefused(renew("renewWindow", Subscriber.rsa(2048), key, cert), FailInfo.BAD_IDENTITY, "not valid now");
      // Only a renewal profile gives the grace: the same expired signer cannot use the plain user-signed one.
      clock.advance(Duration.ofDays(-5));
      assertRefused(renew("caFullCMCUserSignedCert", Subscriber.rsa(2048), key, cert), FailInfo.BAD_IDENTITY,
          "not valid now");
    } finally {
      clock.advance(Duration.between(clock.instant(), TestAuthority.NOW));
    }
  }

  @Test
  void sameKey_allowedByOneProfile_refusedByAnother() {
    Subscriber key = Subscriber.rsa(2048);
    X509CertificateHolder cert = shortLived(key);
    assertRefused(renew("renewWindow", key, key, cert), FailInfo.NO_KEY_REUSE, "does not allow same-key renewal");
    assertIssued(renew("renewSameKey", key, key, cert));
  }

  @Test
  void revokedSignerOrRevokedKey_isNeverRenewed() {
    Subscriber key = Subscriber.rsa(2048);
    X509CertificateHolder cert = shortLived(key);
    Subscriber other = Subscriber.rsa(2048);
    X509CertificateHolder otherCert = shortLived(other);
    ca.certificates.revoke(otherCert.getSerialNumber(), RevocationReason.SUPERSEDED, Optional.empty(),
        TestAuthority.NOW);
    // The key of a revoked certificate, even under the same subject and a same-key profile.
    assertRefused(renew("renewSameKey", other, key, cert), FailInfo.NO_KEY_REUSE, "which is revoked");
    // A revoked signer.
    assertRefused(renew("renewSameKey", Subscriber.rsa(2048), other, otherCert), FailInfo.BAD_IDENTITY, "revoked");
  }

  @Test
  void defaultUserSignedProfile_refusesTheSignersOwnKey() {
    Subscriber key = Subscriber.rsa(2048);
    X509CertificateHolder cert = shortLived(key);
    assertRefused(renew("caFullCMCUserSignedCert", key, key, cert), FailInfo.NO_KEY_REUSE, "renew with a new key");
    assertIssued(renew("caFullCMCUserSignedCert", Subscriber.rsa(2048), key, cert));
  }

  @Test
  void aKeyCertifiedForAnotherSubject_isRefused() {
    Subscriber key = Subscriber.rsa(2048);
    X509CertificateHolder cert = shortLived(key);
    Subscriber carolsKey = Subscriber.rsa(2048);
    X509CertificateHolder carols = service.enrollByOperator(carolsKey.csr("UID=carol,O=Example"), "shortUser",
        "operator").cert();
    CmcStatusInfo refusal = renew("renewSameKey", carolsKey, key, cert);
    assertRefused(refusal, FailInfo.NO_KEY_REUSE, "for another subject ('O=Example,UID=carol')");
    assertRefused(refusal, FailInfo.NO_KEY_REUSE, carols.getSerialNumber().toString(16));
  }

  @Test
  void manySameKeyRenewals_eachAllowed_untilOneOfThemIsRevoked() {
    Subscriber key = Subscriber.rsa(2048);
    X509CertificateHolder cert = shortLived(key);
    List<BigInteger> serials = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      CmcResponse r = renewResponse("renewSameKey", key, key, cert);
      assertIssued(r.statuses().get(0));
      serials.add(r.certificates().stream().filter(c -> !c.getSubject().equals(ca.caCert.getSubject()))
          .findFirst().orElseThrow().getSerialNumber());
    }
    ca.certificates.revoke(serials.get(3), RevocationReason.KEY_COMPROMISE, Optional.empty(), TestAuthority.NOW);
    CmcStatusInfo refusal = renew("renewSameKey", key, key, cert);
    assertRefused(refusal, FailInfo.NO_KEY_REUSE, "which is revoked");
    assertRefused(refusal, FailInfo.NO_KEY_REUSE, serials.get(3).toString(16));
  }
}
