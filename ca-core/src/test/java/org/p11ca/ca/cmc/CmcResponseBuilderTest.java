package org.p11ca.ca.cmc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/** Full PKI Responses signed on a SoftHSM2 token, read back by our parser, Bouncy Castle and openssl. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CmcResponseBuilderTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final ASN1ObjectIdentifier RESPONSE_INFO = CmcObjectIds.RESPONSE_INFO;

  private Token token;
  private KeyHandle caKey;
  private X509CertificateHolder caCert;
  private X509CertificateHolder issued;
  @TempDir
  Path dir;

  @BeforeAll
  void createTokenAndCa() throws Exception {
    SoftHsm.TestToken t = SoftHsm.createToken("cmc-resp");
    token = Pkcs11Library.open(t.config(Backend.IAIK));
    caKey = token.generateKeyPair(new KeyPairSpec.Rsa(2048),
        KeyAttributes.persistent("cmc-ca", ObjectId.parseHex("0c"), org.p11ca.hsm.KeyUsage.SIGN));
    Instant now = Instant.now();
    X500Name ca = new X500Name("CN=CMC Response Test CA,O=Example");
    caCert = new JcaX509v3CertificateBuilder(ca, BigInteger.ONE, Date.from(now.minus(1, ChronoUnit.HOURS)),
        Date.from(now.plus(1, ChronoUnit.DAYS)), ca, token.publicKey(caKey))
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
        .build(signer());
    // An "issued" certificate for bob's request key, to sit in SignedData.certificates before the chain.
    TaggedRequest.Crmf bob = (TaggedRequest.Crmf) DogtagFixtures.parse("a_agent_crmf_bob").pkiData().requests()
        .get(0);
    SubjectPublicKeyInfo bobKey = bob.msg().getCertReq().getCertTemplate().getPublicKey();
    issued = new X509v3CertificateBuilder(ca, BigInteger.valueOf(45), Date.from(now.minus(1, ChronoUnit.HOURS)),
        Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("UID=bob,O=Example"), bobKey).build(signer());
  }

  @AfterAll
  void closeToken() {
    token.close();
  }

  private TokenContentSigner signer() {
    return new TokenContentSigner(token, caKey, SignatureAlgorithm.RSA_PKCS1_SHA256);
  }

  private CmcResponseBuilder builder() {
    return new CmcResponseBuilder(Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());
  }

  private byte[] successFor(CmcRequest request) {
    return builder().echoing(request.pkiData()).status(CmcStatusInfo.success(List.of(1)))
        .certificates(List.of(issued, caCert)).sign(signer(), caCert);
  }

  private byte[] identityFailureFor(CmcRequest request) {
    return builder().echoing(request.pkiData())
        .status(CmcStatusInfo.failed(List.of(1), FailInfo.BAD_IDENTITY, "identity proof failed"))
        .certificates(List.of(caCert)).sign(signer(), caCert);
  }

  @Test
  void success_parsesBack_withSuccessForBodyPart1() {
    CmcResponse r = CmcResponseParser.parse(successFor(DogtagFixtures.parse("a_agent_crmf_bob")));
    assertEquals(1, r.statuses().size());
    CmcStatusInfo s = r.statusOf(1).orElseThrow();
    assertEquals(CmcStatus.SUCCESS, s.status());
    assertEquals(List.of(1), s.bodyList());
    assertTrue(s.failInfo().isEmpty());
    assertFalse(r.isSimple());
  }

  @Test
  void success_echoesSenderNonceByteForByte() {
    CmcRequest request = DogtagFixtures.parse("a_agent_crmf_bob");
    CmcResponse r = CmcResponseParser.parse(successFor(request));
    byte[] sent = request.pkiData().senderNonce().orElseThrow();
    assertArrayEquals(sent, r.recipientNonce().orElseThrow());
    assertEquals('\n', r.recipientNonce().orElseThrow()[sent.length - 1]);
  }

  @Test
  void success_echoesTransactionId() {
    CmcRequest request = DogtagFixtures.parse("a_agent_crmf_bob");
    assertEquals(request.pkiData().transactionId(), CmcResponseParser.parse(successFor(request)).transactionId());
  }

  @Test
  void success_senderNonceIsFreshPerResponse() {
    CmcRequest request = DogtagFixtures.parse("a_agent_crmf_bob");
    byte[] first = CmcResponseParser.parse(successFor(request)).senderNonce().orElseThrow();
    byte[] second = CmcResponseParser.parse(successFor(request)).senderNonce().orElseThrow();
    assertEquals(16, first.length);
    assertFalse(java.util.Arrays.equals(first, second));
    assertFalse(java.util.Arrays.equals(first, request.pkiData().senderNonce().orElseThrow()));
  }

  @Test
  void success_carriesIssuedCertificateThenChain() {
    CmcResponse r = CmcResponseParser.parse(successFor(DogtagFixtures.parse("a_agent_crmf_bob")));
    assertEquals(List.of(issued, caCert), r.certificates());
    assertEquals(Optional.of(caCert), r.signature().orElseThrow().signerCertificate());
  }

  @Test
  void failure_carriesFailInfoStatusStringAndBodyList() {
    CmcRequest request = DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256");
    CmcResponse r = CmcResponseParser.parse(identityFailureFor(request));
    CmcStatusInfo s = r.statuses().get(0);
    assertEquals(CmcStatus.FAILED, s.status());
    assertEquals(List.of(1), s.bodyList());
    assertEquals(Optional.of(FailInfo.BAD_IDENTITY), s.failInfo());
    assertEquals(Optional.of("identity proof failed"), s.statusString());
    assertArrayEquals(request.pkiData().senderNonce().orElseThrow(), r.recipientNonce().orElseThrow());
    assertTrue(r.transactionId().isEmpty());
  }

  @Test
  void response_signerInfoHasNoCmsAlgorithmProtect() {
    CmcResponse r = CmcResponseParser.parse(successFor(DogtagFixtures.parse("a_agent_crmf_bob")));
    AttributeTable signed = r.signature().orElseThrow().signerInfo().getSignedAttributes();
    assertNull(signed.get(CMSAttributes.cmsAlgorithmProtect));
    assertNotNull(signed.get(CMSAttributes.contentType));
    assertNotNull(signed.get(CMSAttributes.messageDigest));
  }

  @Test
  void response_signingTimeComesFromClock() throws Exception {
    CmcResponse r = CmcResponseParser.parse(successFor(DogtagFixtures.parse("a_agent_crmf_bob")));
    Attribute t = r.signature().orElseThrow().signerInfo().getSignedAttributes().get(CMSAttributes.signingTime);
    assertEquals(NOW, Time.getInstance(t.getAttrValues().getObjectAt(0)).getDate().toInstant());
  }

  @Test
  void response_signerIsIssuerAndSerialOfCaCertificate() {
    CmcResponse r = CmcResponseParser.parse(successFor(DogtagFixtures.parse("a_agent_crmf_bob")));
    assertEquals(new SignerIdentifier.IssuerAndSerial(caCert.getIssuer(), caCert.getSerialNumber()),
        r.signature().orElseThrow().signer());
  }

  @Test
  void response_signatureVerifiesWithTokenPublicKey() {
    CmcResponse r = CmcResponseParser.parse(identityFailureFor(DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256")));
    assertEquals(new SignatureCheck.Valid(), r.signature().orElseThrow().verify(token.publicKey(caKey)));
  }

  @Test
  void response_extraControlIsCarriedRaw() {
    byte[] der = builder().echoing(DogtagFixtures.parse("c_usersigned_bob_popnone_archival").pkiData())
        .status(new CmcStatusInfo(CmcStatus.POP_REQUIRED, List.of(1), Optional.empty(), Optional.empty()))
        .control(RESPONSE_INFO, new DEROctetString(new byte[] {7, 7}))
        .certificates(List.of(caCert)).sign(signer(), caCert);
    CmcResponse r = CmcResponseParser.parse(der);
    Control info = r.controls().stream().filter(c -> c.type().equals(RESPONSE_INFO)).findFirst().orElseThrow();
    assertEquals(new DEROctetString(new byte[] {7, 7}), info.values().get(0));
    assertEquals(CmcStatus.POP_REQUIRED, r.statuses().get(0).status());
    assertEquals(List.of(1, 2, 3, 4, 5), r.controls().stream().map(Control::bodyPartId).toList());
  }

  @Test
  void response_opensslVerifiesAgainstCa() throws Exception {
    Path resp = dir.resolve("resp.der");
    Files.write(resp, successFor(DogtagFixtures.parse("a_agent_crmf_bob")));
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCert.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    Process p = new ProcessBuilder("openssl", "cms", "-verify", "-inform", "DER", "-in", resp.toString(),
        "-CAfile", ca.toString(), "-purpose", "any", "-out", "/dev/null").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("Verification successful"), out);
  }

  @Test
  void sign_withoutStatus_isRefused() {
    assertThrows(IllegalStateException.class, () -> builder().sign(signer(), caCert));
  }

  @Test
  void statusInfo_failInfoWithSuccess_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CmcStatusInfo(CmcStatus.SUCCESS, List.of(1),
        Optional.empty(), Optional.of(FailInfo.BAD_REQUEST)));
  }

  @Test
  void simpleResponse_isCertsOnlyWithoutSigner() {
    CmcResponse r = CmcResponseParser.parse(SimplePkiResponseEncoder.encode(List.of(issued, caCert)));
    assertTrue(r.isSimple());
    assertTrue(r.statuses().isEmpty());
    assertEquals(List.of(issued, caCert), r.certificates());
  }

  @Test
  void responseParser_givenRequest_refusesWithReason() {
    org.p11ca.ca.error.CaException e = assertThrows(org.p11ca.ca.error.CaException.class,
        () -> CmcResponseParser.parse(DogtagFixtures.cmc("a_agent_crmf_bob")));
    assertTrue(e.detail().contains("id-cct-PKIResponse"), e.detail());
  }
}
