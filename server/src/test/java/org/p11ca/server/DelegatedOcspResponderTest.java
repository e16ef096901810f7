package org.p11ca.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.MutableClock;
import org.p11ca.hsm.testing.SoftHsm;
import org.p11ca.server.config.ServerConfig;
import org.p11ca.server.config.ServerConfigLoader;
import org.p11ca.server.testing.CaTokens;
import org.p11ca.server.testing.RawHttps;

/**
 * {@code ocsp.signer: delegated} on a fresh token: the first start certifies the token's ocsp-signing key through
 * caOCSPCert and the HTTPS responder signs with it; later starts take the same certificate up until a third of its
 * validity is left, then a new one replaces it on the token and the responder switches; without the key the server
 * does not start.
 */
class DelegatedOcspResponderTest {

  @TempDir
  Path dir;
  CaTokens.CaToken caToken;
  SubjectPublicKeyInfo responderKey;

  @BeforeEach
  void token() throws Exception {
    caToken = CaTokens.create("ocsp-delegate");
  }

  private void addResponderKey() {
    try (Token token = Pkcs11Library.open(caToken.token().config(Backend.IAIK))) {
      KeyHandle key = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
          KeyAttributes.persistent("ocsp-signing", org.p11ca.hsm.KeyUsage.SIGN));
      responderKey = SubjectPublicKeyInfo.getInstance(token.publicKey(key).getEncoded());
    }
  }

  private ServerConfig config() throws Exception {
    Path pin = caToken.writePinFile(dir);
    return ServerConfigLoader.load(Files.writeString(dir.resolve("p11ca.yaml"), "dataDir: data\n"
        + "token:\n"
        + "  library: " + SoftHsm.library() + "\n"
        + "  label: " + caToken.token().label() + "\n"
        + "  pinFile: " + pin.getFileName() + "\n"
        + "http: {port: 0, tlsHostNames: [localhost]}\n"
        + "ocsp: {signer: delegated}\n"));
  }

  private X509CertificateHolder ca() {
    return CaCore.holder(caToken.caCertificate());
  }

  private byte[] request(BigInteger serial) throws Exception {
    return new OCSPReqBuilder().addRequest(new CertificateID(new BcDigestCalculatorProvider()
        .get(CertificateID.HASH_SHA1), ca(), serial)).build().getEncoded();
  }

  private static RespID byKey(SubjectPublicKeyInfo key) throws Exception {
    return new RespID(key, new BcDigestCalculatorProvider().get(RespID.HASH_SHA1));
  }

  @Test
  void firstStart_certifiesTheResponderKey_andHttpsAnswersAreSignedByIt() throws Exception {
    addResponderKey();
    X509CertificateHolder issued;
    try (CaInstance instance = CaInstance.start(config(), Clock.systemUTC())) {
      RawHttps client = new RawHttps(instance.port(), caToken.caCertificate(), Optional.empty());
      RawHttps.Response answer = RawHttps.Response.parse(client.exchange(RawHttps.http11Post("/ocsp",
          "Content-Type: application/ocsp-request\r\nConnection: close\r\n",
          request(instance.tlsCertificate().getSerialNumber()))));
      assertEquals(200, answer.status(), answer.text());
      OCSPResp resp = new OCSPResp(answer.body());
      assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
      BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
      assertEquals(byKey(responderKey), basic.getResponderId());
      assertEquals(1, basic.getCerts().length);
      X509CertificateHolder responder = basic.getCerts()[0];
      assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder)));
      assertTrue(responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca())),
          "the CA issued it");
      assertEquals(responderKey, responder.getSubjectPublicKeyInfo());
      assertEquals(new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning),
          ExtendedKeyUsage.fromExtensions(responder.getExtensions()));
      assertEquals(DERNull.INSTANCE,
          responder.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck).getParsedValue());
      assertEquals(new X500Name("CN=OCSP Responder,O=p11ca"), responder.getSubject());
      assertEquals(Duration.ofDays(90), Duration.between(responder.getNotBefore().toInstant(),
          responder.getNotAfter().toInstant()));
      // Published beside the CA certificate, and kept on the token beside its key.
      assertEquals(responder, pem(dir.resolve("data").resolve(DelegatedOcspResponder.FILE)));
      issued = responder;
    }
    try (Token token = Pkcs11Library.open(caToken.token().config(Backend.IAIK))) {
      assertEquals(issued, CaCore.holder(token.findCertificate(KeySelector.label("ocsp-signing")).orElseThrow()));
    }
    String audit = Files.readString(dir.resolve("data").resolve("audit").resolve("audit.log"));
    assertTrue(audit.lines().anyMatch(l -> l.contains("[AuditEvent=PROFILE_CERT_REQUEST]")
        && l.contains("[ProfileID=caOCSPCert]") && l.contains("[Outcome=Success]")), audit);
    String serial = "[CertSerialNum=" + issued.getSerialNumber() + "]";
    assertTrue(audit.lines().anyMatch(l -> l.contains("[AuditEvent=CERT_REQUEST_PROCESSED]")
        && l.contains(serial) && l.contains("[Outcome=Success]")), audit);
  }

  @Test
  void laterStarts_keepTheCertificate_untilAThirdOfItIsLeft_thenANewOneReplacesIt() throws Exception {
    addResponderKey();
    ServerConfig config = config();
    MutableClock clock = new MutableClock(Instant.now());
    X509CertificateHolder first;
    try (CaCore core = CaCore.open(config, clock);
        DelegatedOcspResponder delegated = start(core, config, clock)) {
      first = delegated.certificate();
      assertEquals(byKey(responderKey), ask(core).getResponderId());
    }
    clock.advance(Duration.ofDays(59));
    try (CaCore core = CaCore.open(config, clock);
        DelegatedOcspResponder delegated = start(core, config, clock)) {
      assertEquals(first, delegated.certificate(), "31 of 90 days left: kept");

      // While running: past the renewal point the next check replaces it.
      clock.advance(Duration.ofDays(2));
      assertTrue(delegated.reasonToIssue(Optional.of(first), clock.instant()).orElseThrow()
          .contains("renewed once a third of its validity is left"));
      delegated.renewIfDue();
      X509CertificateHolder second = delegated.certificate();
      assertNotEquals(first, second);
      assertEquals(responderKey, second.getSubjectPublicKeyInfo());
      assertEquals(clock.instant().getEpochSecond(), second.getNotBefore().toInstant().getEpochSecond(), 300);
      // One certificate object for the key on the token (two would make the lookup ambiguous), the new one.
      assertEquals(second, CaCore.holder(core.token.findCertificate(KeySelector.label("ocsp-signing"))
          .orElseThrow()));
      BasicOCSPResp basic = ask(core);
      assertEquals(List.of(second), List.of(basic.getCerts()), "the responder switched at once");
      assertEquals(second, pem(dir.resolve("data").resolve(DelegatedOcspResponder.FILE)));
      delegated.renewIfDue();
      assertEquals(second, delegated.certificate(), "nothing to do the second time");
    }
  }

  @Test
  void certificateOnTheTokenThatCannotCertifyTheResponder_isReplacedAtStart() throws Exception {
    addResponderKey();
    ServerConfig config = config();
    Clock clock = Clock.systemUTC();
    try (CaCore core = CaCore.open(config, clock)) {
      // An operator's mistake: a client certificate for the responder key, put on the token under its label.
      X509CertificateHolder wrong = core.cmc.enrollOwnTokenKey(responderKey, new X500Name("CN=Not A Responder"),
          "caFullCMCUserCert", "operator").cert();
      KeyHandle key = core.token.requireKey(org.p11ca.hsm.ObjectClass.PRIVATE_KEY,
          KeySelector.label("ocsp-signing"));
      core.token.importCertificate("ocsp-signing", key.id().orElseThrow(),
          new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(wrong));
      try (DelegatedOcspResponder delegated = start(core, config, clock)) {
        assertNotEquals(wrong, delegated.certificate());
        assertNotNull(ExtendedKeyUsage.fromExtensions(delegated.certificate().getExtensions()));
        assertEquals(delegated.certificate(), CaCore.holder(core.token.findCertificate(
            KeySelector.label("ocsp-signing")).orElseThrow()));
      }
    }
  }

  @Test
  void withoutTheResponderKey_theServerDoesNotStart_andSaysHowToMakeIt() throws Exception {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CaInstance.start(config(), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("has no private key labelled 'ocsp-signing'")
        && e.getMessage().contains("p11ca-token generate-key --label ocsp-signing"), e.getMessage());
  }

  private static DelegatedOcspResponder start(CaCore core, ServerConfig config, Clock clock) {
    return DelegatedOcspResponder.start(core.token, config.keys().ocspSigning(), core.signer,
        (csr, profile, operator) -> core.cmc.enrollByOperator(csr, profile, operator).cert(), core.ocsp,
        config.dataDir(), clock);
  }

  private BasicOCSPResp ask(CaCore core) throws Exception {
    OCSPResp resp = new OCSPResp(core.ocsp.respond(request(BigInteger.TEN)));
    assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
    return (BasicOCSPResp) resp.getResponseObject();
  }

  private static X509CertificateHolder pem(Path file) throws Exception {
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
      return (X509CertificateHolder) parser.readObject();
    }
  }
}
