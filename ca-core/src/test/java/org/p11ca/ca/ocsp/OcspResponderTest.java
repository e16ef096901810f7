package org.p11ca.ca.ocsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.CertificateReservation;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.ca.repository.RevocationReason;
import org.p11ca.ca.service.CmcService;
import org.p11ca.ca.service.Subscriber;
import org.p11ca.ca.service.TestAuthority;
import org.p11ca.ca.testing.DerMutator;

/**
 * The responder over a whole CA on SoftHSM: statuses from the records, CertIDs of this CA only, the nonce, the
 * refusals, and openssl (an independent implementation) verifying the token's signature and reading the statuses.
 */
class OcspResponderTest {

  static final Clock CLOCK = Clock.fixed(TestAuthority.NOW, ZoneOffset.UTC);
  static final Instant REVOKED_AT = TestAuthority.NOW.minusSeconds(3600);
  static final BigInteger RESERVED = new BigInteger("7a11ed0b5e55ed", 16);

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static OcspResponder responder;
  static X509CertificateHolder good;
  static X509CertificateHolder compromised;
  static X509CertificateHolder unspecified;

  @BeforeAll
  static void issueThreeRevokeTwo() throws IOException {
    ca = new TestAuthority("ocsp-responder", dir.resolve("ca"));
    CmcService service = ca.service();
    good = service.enrollByOperator(Subscriber.rsa(2048).csr("UID=alice,O=Example"), "caFullCMCUserCert",
        "operator").cert();
    compromised = service.enrollByOperator(Subscriber.rsa(2048).csr("UID=bob,O=Example"), "caFullCMCUserCert",
        "operator").cert();
    unspecified = service.enrollByOperator(Subscriber.rsa(2048).csr("UID=carol,O=Example"), "caFullCMCUserCert",
        "operator").cert();
    ca.certificates.revoke(compromised.getSerialNumber(), RevocationReason.KEY_COMPROMISE, Optional.empty(),
        REVOKED_AT);
    ca.certificates.revoke(unspecified.getSerialNumber(), RevocationReason.UNSPECIFIED, Optional.empty(),
        REVOKED_AT);
    // What a crash between reserving and signing leaves behind.
    assertTrue(ca.certificates.reserve(new CertificateReservation(RESERVED, Optional.empty(), "caFullCMCUserCert",
        "UID=dave,O=Example", new byte[] {0x30, 0x00})));
    responder = new OcspResponder(ca.signer, ca.certificates, new OcspSettings(Duration.ofHours(1)), CLOCK);
  }

  @AfterAll
  static void close() {
    ca.close();
  }

  private static CertificateID certId(X509CertificateHolder issuer, BigInteger serial, AlgorithmIdentifier hash)
      throws Exception {
    DigestCalculator digest = new BcDigestCalculatorProvider().get(hash);
    return new CertificateID(digest, issuer, serial);
  }

  private static CertificateID sha1Id(BigInteger serial) throws Exception {
    return certId(ca.caCert, serial, CertificateID.HASH_SHA1);
  }

  private static BasicOCSPResp ask(CertificateID... ids) throws Exception {
    OCSPReqBuilder b = new OCSPReqBuilder();
    for (CertificateID id : ids) {
      b.addRequest(id);
    }
    OCSPResp resp = new OCSPResp(responder.respond(b.build().getEncoded()));
    assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
    BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
    assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.caCert)),
        "the CA key signs every response");
    return basic;
  }

  private static SingleResp only(BasicOCSPResp basic) {
    assertEquals(1, basic.getResponses().length);
    return basic.getResponses()[0];
  }

  private static int status(byte[] requestDer) throws IOException {
    return new OCSPResp(responder.respond(requestDer)).getStatus();
  }

  @Test
  void issuedCertificate_isGood_forAnHourFromNow_signedByTheCaNamedByKeyHash() throws Exception {
    BasicOCSPResp basic = ask(sha1Id(good.getSerialNumber()));
    SingleResp single = only(basic);
    assertNull(single.getCertStatus(), "null is Bouncy Castle's good");
    assertEquals(sha1Id(good.getSerialNumber()), single.getCertID());
    assertEquals(Date.from(TestAuthority.NOW), single.getThisUpdate());
    assertEquals(Date.from(TestAuthority.NOW.plus(Duration.ofHours(1))), single.getNextUpdate());
    assertEquals(Date.from(TestAuthority.NOW), basic.getProducedAt());
    assertEquals(new RespID(ca.caCert.getSubjectPublicKeyInfo(),
        new BcDigestCalculatorProvider().get(RespID.HASH_SHA1)), basic.getResponderId());
    assertEquals(20, basic.getResponderId().toASN1Primitive().getKeyHash().length, "byKey: a SHA-1 hash");
    assertEquals(0, basic.getCerts().length, "the CA signs itself: no certificate to attach");
  }

  @Test
  void revokedCertificate_isRevoked_withItsTimeAndReason() throws Exception {
    RevokedStatus revoked = assertInstanceOf(RevokedStatus.class,
        only(ask(sha1Id(compromised.getSerialNumber()))).getCertStatus());
    assertEquals(Date.from(REVOKED_AT), revoked.getRevocationTime());
    assertTrue(revoked.hasRevocationReason());
    assertEquals(CRLReason.keyCompromise, revoked.getRevocationReason());
  }

  @Test
  void revokedForNoGivenReason_carriesNoReasonCode() throws Exception {
    RevokedStatus revoked = assertInstanceOf(RevokedStatus.class,
        only(ask(sha1Id(unspecified.getSerialNumber()))).getCertStatus());
    assertFalse(revoked.hasRevocationReason(), "RFC 5280 5.3.1: unspecified is left out");
  }

  @Test
  void neverIssuedSerial_isUnknown() throws Exception {
    assertInstanceOf(UnknownStatus.class, only(ask(sha1Id(new BigInteger("123456789abcdef", 16)))).getCertStatus());
  }

  @Test
  void reservedButNeverConfirmedSerial_isUnknown() throws Exception {
    assertInstanceOf(UnknownStatus.class, only(ask(sha1Id(RESERVED))).getCertStatus());
  }

  @Test
  void certIdOfAnotherIssuer_isUnknown_evenForOneOfOurSerials() throws Exception {
    // good's own certificate as "issuer": other name and key hashes, same serial as an ISSUED row.
    CertificateID foreign = certId(good, good.getSerialNumber(), CertificateID.HASH_SHA1);
    assertInstanceOf(UnknownStatus.class, only(ask(foreign)).getCertStatus());
  }

  @Test
  void sha256CertId_isMatchedWithSha256Hashes() throws Exception {
    CertificateID id = certId(ca.caCert, compromised.getSerialNumber(),
        new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256));
    SingleResp single = only(ask(id));
    assertEquals(id, single.getCertID(), "the CertID comes back as asked");
    assertInstanceOf(RevokedStatus.class, single.getCertStatus());
  }

  @Test
  void severalCertIds_areAnsweredInOneResponse_inOrder() throws Exception {
    SingleResp[] singles = ask(sha1Id(good.getSerialNumber()), sha1Id(compromised.getSerialNumber()),
        sha1Id(BigInteger.TWO)).getResponses();
    assertEquals(3, singles.length);
    assertNull(singles[0].getCertStatus());
    assertInstanceOf(RevokedStatus.class, singles[1].getCertStatus());
    assertInstanceOf(UnknownStatus.class, singles[2].getCertStatus());
  }

  @Test
  void moreCertIdsThanTheCap_isMalformedRequest() throws Exception {
    OCSPReqBuilder b = new OCSPReqBuilder();
    for (int i = 1; i <= OcspResponder.MAX_CERT_IDS + 1; i++) {
      b.addRequest(sha1Id(BigInteger.valueOf(i)));
    }
    assertEquals(OCSPResp.MALFORMED_REQUEST, status(b.build().getEncoded()));
  }

  @Test
  void nonce_isEchoedUnchanged() throws Exception {
    Extension nonce = nonce(32);
    OCSPResp resp = new OCSPResp(responder.respond(new OCSPReqBuilder().addRequest(sha1Id(good.getSerialNumber()))
        .setRequestExtensions(new Extensions(nonce)).build().getEncoded()));
    Extension echoed = ((BasicOCSPResp) resp.getResponseObject())
        .getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
    assertArrayEquals(nonce.getExtnValue().getOctets(), echoed.getExtnValue().getOctets());
    assertFalse(echoed.isCritical());
  }

  @Test
  void noNonce_noResponseExtensions() throws Exception {
    assertFalse(ask(sha1Id(good.getSerialNumber())).hasExtensions());
  }

  @Test
  void nonceLongerThan32Octets_isMalformedRequest() throws Exception {
    byte[] request = new OCSPReqBuilder().addRequest(sha1Id(good.getSerialNumber()))
        .setRequestExtensions(new Extensions(nonce(33))).build().getEncoded();
    assertEquals(OCSPResp.MALFORMED_REQUEST, status(request), "RFC 8954 2.1");
  }

  @Test
  void unknownCriticalRequestExtension_isMalformedRequest() throws Exception {
    Extension critical = new Extension(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), true,
        new DEROctetString(new byte[] {5}).getEncoded(ASN1Encoding.DER));
    byte[] request = new OCSPReqBuilder().addRequest(sha1Id(good.getSerialNumber()))
        .setRequestExtensions(new Extensions(critical)).build().getEncoded();
    assertEquals(OCSPResp.MALFORMED_REQUEST, status(request), "RFC 6960 4.4");
  }

  @Test
  void notAnOcspRequest_isMalformedRequest_notAnException() throws Exception {
    assertEquals(OCSPResp.MALFORMED_REQUEST, status(new byte[0]));
    assertEquals(OCSPResp.MALFORMED_REQUEST, status(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));
    assertEquals(OCSPResp.MALFORMED_REQUEST, status("hello".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(OCSPResp.MALFORMED_REQUEST, status(new OCSPReqBuilder().build().getEncoded()),
        "an empty requestList asks nothing");
  }

  /**
   * Structure-aware mutations of a request with two CertIDs (SHA-1 and SHA-256) and a nonce: each answer is an
   * OCSPResponse, successful and signed by the CA or malformedRequest; never an exception, never internalError
   * (which tells a relying party the responder is broken).
   */
  @Test
  void mutatedRequests_getASignedAnswerOrMalformedRequest() throws Exception {
    byte[] request = new OCSPReqBuilder().addRequest(sha1Id(good.getSerialNumber()))
        .addRequest(certId(ca.caCert, compromised.getSerialNumber(),
            new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)))
        .setRequestExtensions(new Extensions(nonce(16))).build().getEncoded();
    DerMutator mutator = new DerMutator(11);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < 600 && problems.size() < 10; i++) {
      byte[] mutated = mutator.mutate(request);
      String what = "#" + i + " (" + mutator.lastMutations() + ")";
      try {
        OCSPResp resp = new OCSPResp(responder.respond(mutated));
        if (resp.getStatus() == OCSPResp.SUCCESSFUL) {
          BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
          if (!basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.caCert))) {
            problems.add(what + ": a successful response the CA did not sign");
          }
        } else if (resp.getStatus() != OCSPResp.MALFORMED_REQUEST) {
          problems.add(what + ": status " + resp.getStatus());
        }
      } catch (Exception e) {
        problems.add(what + ": " + e);
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  @Test
  void databaseDown_isInternalError() throws Exception {
    CaDatabase closed = CaDatabase.openSqlite(dir.resolve("closed"));
    OcspResponder broken = new OcspResponder(ca.signer, new JdbcCertificateStore(closed, CLOCK),
        OcspSettings.defaults(), CLOCK);
    closed.close();
    byte[] request = new OCSPReqBuilder().addRequest(sha1Id(good.getSerialNumber())).build().getEncoded();
    assertEquals(OCSPResp.INTERNAL_ERROR, new OCSPResp(broken.respond(request)).getStatus());
  }

  private static Extension nonce(int octets) throws IOException {
    byte[] value = new byte[octets];
    for (int i = 0; i < octets; i++) {
      value[i] = (byte) (i * 7 + 1);
    }
    return new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
        new DEROctetString(value).getEncoded(ASN1Encoding.DER));
  }

  // openssl: the request is made by openssl (with its own nonce), answered here with the real clock (openssl checks
  // thisUpdate/nextUpdate against it), and the response verified by openssl against the CA certificate alone.

  @Test
  void openssl_verifiesTheTokenSignature_andReadsGoodAndRevokedWithReason() throws Exception {
    Path caPem = write("ca.pem", ca.caCert);
    Path goodPem = write("good.pem", good);
    Path revokedPem = write("revoked.pem", compromised);
    openssl("ocsp", "-issuer", caPem.toString(), "-cert", goodPem.toString(), "-cert", revokedPem.toString(),
        "-reqout", "req.der");
    OcspResponder now = new OcspResponder(ca.signer, ca.certificates, OcspSettings.defaults(), Clock.systemUTC());
    Files.write(dir.resolve("resp.der"), now.respond(Files.readAllBytes(dir.resolve("req.der"))));
    // -reqin alone makes openssl check that its nonce came back (with -cert it would build a new request with a
    // new nonce); -verify_other names the signer without trusting it, so the signature must chain to -CAfile and
    // openssl must accept the CA as its own responder.
    String verified = openssl("ocsp", "-reqin", "req.der", "-respin", "resp.der", "-CAfile", caPem.toString(),
        "-verify_other", caPem.toString());
    assertTrue(verified.contains("Response verify OK"), verified);
    assertFalse(verified.contains("WARNING"), verified);
    String out = openssl("ocsp", "-respin", "resp.der", "-no_nonce", "-issuer", caPem.toString(),
        "-cert", goodPem.toString(), "-cert", revokedPem.toString(), "-CAfile", caPem.toString(),
        "-verify_other", caPem.toString());
    assertTrue(out.contains("Response verify OK"), out);
    assertFalse(out.contains("WARNING"), out);
    assertTrue(out.contains(goodPem + ": good"), out);
    assertTrue(out.contains(revokedPem + ": revoked"), out);
    assertTrue(out.contains("Reason: keyCompromise"), out);
  }

  @Test
  void openssl_readsANeverIssuedSerialAsUnknown() throws Exception {
    Path caPem = write("ca.pem", ca.caCert);
    openssl("ocsp", "-issuer", caPem.toString(), "-serial", "0x0123456789abcdef", "-reqout", "unknown-req.der");
    OcspResponder now = new OcspResponder(ca.signer, ca.certificates, OcspSettings.defaults(), Clock.systemUTC());
    Files.write(dir.resolve("unknown-resp.der"), now.respond(Files.readAllBytes(dir.resolve("unknown-req.der"))));
    String out = openssl("ocsp", "-respin", "unknown-resp.der", "-no_nonce", "-issuer",
        caPem.toString(), "-serial", "0x0123456789abcdef", "-CAfile", caPem.toString(), "-verify_other",
        caPem.toString());
    assertTrue(out.contains("Response verify OK"), out);
    assertTrue(out.contains("0x0123456789abcdef: unknown"), out);
  }

  private static Path write(String name, X509CertificateHolder cert) throws IOException {
    return Files.writeString(dir.resolve(name), org.p11ca.ca.testing.Openssl.pem(cert));
  }

  private static String openssl(String... args) throws IOException, InterruptedException {
    return org.p11ca.ca.testing.Openssl.run(dir, args);
  }
}
