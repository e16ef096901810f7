package org.p11ca.ca.ocsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.service.CmcService;
import org.p11ca.ca.service.Subscriber;
import org.p11ca.ca.service.TestAuthority;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.bc.TokenContentSigner;

/**
 * A delegated OCSP responder (RFC 6960 4.2.2.2): a key on the token with a caOCSPCert certificate signs the
 * responses, names itself by its own key hash and attaches its certificate, so a client that trusts only the CA
 * accepts them (openssl checks that here); a certificate that could not certify it is refused with the reason, and
 * one that has lapsed is passed over for the CA key.
 */
class DelegatedResponderTest {

  static final Clock CLOCK = Clock.fixed(TestAuthority.NOW, ZoneOffset.UTC);

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static KeyHandle responderKey;
  static SubjectPublicKeyInfo responderSpki;
  static X509CertificateHolder responderCert;
  static X509CertificateHolder good;

  @BeforeAll
  static void issueTheResponderCertificate() {
    ca = new TestAuthority("ocsp-delegated", dir.resolve("ca"));
    responderKey = ca.token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
        KeyAttributes.persistent("ocsp-signing", org.p11ca.hsm.KeyUsage.SIGN));
    responderSpki = SubjectPublicKeyInfo.getInstance(ca.token.publicKey(responderKey).getEncoded());
    CmcService service = ca.service();
    responderCert = service.enrollOwnTokenKey(responderSpki, new X500Name("CN=OCSP Responder,O=Example"),
        "caOCSPCert", "operator").cert();
    good = service.enrollByOperator(Subscriber.rsa(2048).csr("UID=alice,O=Example"), "caFullCMCUserCert",
        "operator").cert();
  }

  @AfterAll
  static void close() {
    ca.close();
  }

  private static OcspResponder delegatedAt(Instant now, X509CertificateHolder cert) {
    OcspResponder responder = new OcspResponder(ca.signer, ca.certificates, new OcspSettings(Duration.ofHours(1)),
        Clock.fixed(now, ZoneOffset.UTC));
    responder.delegateTo(ResponderKey.delegated(ca.signer, ca.token, responderKey, cert));
    return responder;
  }

  private static BasicOCSPResp ask(OcspResponder responder, BigInteger serial) throws Exception {
    byte[] request = new OCSPReqBuilder().addRequest(new CertificateID(new BcDigestCalculatorProvider()
        .get(CertificateID.HASH_SHA1), ca.caCert, serial)).build().getEncoded();
    OCSPResp resp = new OCSPResp(responder.respond(request));
    assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
    return (BasicOCSPResp) resp.getResponseObject();
  }

  private static boolean verifies(BasicOCSPResp basic, X509CertificateHolder signer) {
    try {
      return basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signer));
    } catch (Exception e) {
      return false; // an ECDSA signature given to an RSA key: not the signer
    }
  }

  private static RespID byKey(SubjectPublicKeyInfo key) throws Exception {
    return new RespID(key, new BcDigestCalculatorProvider().get(RespID.HASH_SHA1));
  }

  @Test
  void delegate_signsUnderItsCertificate_namedByItsKey_withTheCertificateAttached() throws Exception {
    BasicOCSPResp basic = ask(delegatedAt(TestAuthority.NOW, responderCert), good.getSerialNumber());
    assertNull(basic.getResponses()[0].getCertStatus(), "good");
    assertEquals(byKey(responderSpki), basic.getResponderId());
    assertEquals(List.of(responderCert), List.of(basic.getCerts()));
    assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responderCert)));
    assertFalse(verifies(basic, ca.caCert), "the CA key signed nothing");
    assertEquals(Date.from(TestAuthority.NOW.plus(Duration.ofHours(1))), basic.getResponses()[0].getNextUpdate());
  }

  @Test
  void nextUpdate_neverOutlivesTheResponderCertificate() throws Exception {
    Instant notAfter = responderCert.getNotAfter().toInstant();
    BasicOCSPResp basic = ask(delegatedAt(notAfter.minus(Duration.ofMinutes(10)), responderCert),
        good.getSerialNumber());
    assertEquals(byKey(responderSpki), basic.getResponderId());
    assertEquals(Date.from(notAfter), basic.getResponses()[0].getNextUpdate());
  }

  @Test
  void lapsedDelegate_isPassedOverForTheCaKey() throws Exception {
    BasicOCSPResp basic = ask(delegatedAt(responderCert.getNotAfter().toInstant().plusSeconds(1), responderCert),
        good.getSerialNumber());
    assertEquals(byKey(ca.caCert.getSubjectPublicKeyInfo()), basic.getResponderId());
    assertEquals(0, basic.getCerts().length);
    assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.caCert)));
    // Not yet valid either.
    BasicOCSPResp early = ask(delegatedAt(responderCert.getNotBefore().toInstant().minusSeconds(1), responderCert),
        good.getSerialNumber());
    assertEquals(byKey(ca.caCert.getSubjectPublicKeyInfo()), early.getResponderId());
  }

  @Test
  void certificateWithoutOcspSigning_isRefused() {
    X509CertificateHolder plain = ca.service().enrollOwnTokenKey(responderSpki,
        new X500Name("CN=Not A Responder,O=Example"), "caFullCMCUserCert", "operator").cert();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResponderKey.delegated(ca.signer, ca.token, responderKey, plain));
    assertTrue(e.getMessage().contains("lacks extendedKeyUsage id-kp-OCSPSigning"), e.getMessage());
  }

  @Test
  void certificateForAnotherKey_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResponderKey.delegated(ca.signer, ca.token, responderKey, good));
    assertTrue(e.getMessage().contains("is not for the token's responder key"), e.getMessage());
  }

  @Test
  void certificateNamingThisCaButSignedByAnotherKey_isRefused() throws Exception {
    X509v3CertificateBuilder forged = new X509v3CertificateBuilder(ca.caCert.getSubject(), BigInteger.valueOf(77),
        Date.from(TestAuthority.NOW.minusSeconds(60)), Date.from(TestAuthority.NOW.plus(Duration.ofDays(30))),
        new X500Name("CN=OCSP Responder,O=Example"), responderSpki);
    forged.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
    X509CertificateHolder cert = forged.build(new TokenContentSigner(ca.token, ca.auditKey,
        SignatureAlgorithm.defaultFor(ca.auditKey)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResponderKey.delegated(ca.signer, ca.token, responderKey, cert));
    assertTrue(e.getMessage().contains("was not issued by this CA"), e.getMessage());
  }

  /**
   * openssl, trusting only the CA (no -verify_other): it must find the responder's certificate in the response,
   * check that the CA issued it for OCSP signing, and verify the response with its key.
   */
  @Test
  void openssl_acceptsTheDelegatedResponse_trustingOnlyTheCa() throws Exception {
    CmcService now = new CmcService(ca.signer, ProfileLoader.loadDefaults(), ca.certificates, ca.requests,
        ca.agents, ca.audit, Clock.systemUTC());
    X509CertificateHolder current = now.enrollOwnTokenKey(responderSpki,
        new X500Name("CN=OCSP Responder,O=Example"), "caOCSPCert", "operator").cert();
    OcspResponder responder = new OcspResponder(ca.signer, ca.certificates, OcspSettings.defaults(),
        Clock.systemUTC());
    responder.delegateTo(ResponderKey.delegated(ca.signer, ca.token, responderKey, current));
    Path caPem = write("ca.pem", ca.caCert);
    Path goodPem = write("good.pem", good);
    openssl("ocsp", "-issuer", caPem.toString(), "-cert", goodPem.toString(), "-reqout", "delegated-req.der");
    Files.write(dir.resolve("delegated-resp.der"),
        responder.respond(Files.readAllBytes(dir.resolve("delegated-req.der"))));
    String out = openssl("ocsp", "-reqin", "delegated-req.der", "-respin", "delegated-resp.der", "-CAfile",
        caPem.toString(), "-resp_text");
    assertTrue(out.contains("Response verify OK"), out);
    assertFalse(out.contains("WARNING"), out);
    assertTrue(out.contains("OCSP No Check"), out);
    String status = openssl("ocsp", "-respin", "delegated-resp.der", "-no_nonce", "-issuer", caPem.toString(),
        "-cert", goodPem.toString(), "-CAfile", caPem.toString());
    assertTrue(status.contains("Response verify OK") && status.contains(goodPem + ": good"), status);
  }

  private static Path write(String name, X509CertificateHolder cert) throws Exception {
    return Files.writeString(dir.resolve(name), org.p11ca.ca.testing.Openssl.pem(cert));
  }

  private static String openssl(String... args) throws Exception {
    return org.p11ca.ca.testing.Openssl.run(dir, args);
  }
}
