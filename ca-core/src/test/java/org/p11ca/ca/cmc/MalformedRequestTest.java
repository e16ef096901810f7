package org.p11ca.ca.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** Malformed input is refused with CaException BAD_REQUEST (or BAD_MESSAGE_CHECK) and a one-line reason. */
class MalformedRequestTest {

  private static CaException refused(byte[] der) {
    CaException e = assertThrows(CaException.class, () -> CmcRequestParser.parse(der));
    assertTrue(e.failInfo() == FailInfo.BAD_REQUEST || e.failInfo() == FailInfo.BAD_MESSAGE_CHECK,
        e.failInfo().toString());
    assertFalse(e.detail().isBlank());
    assertFalse(e.detail().contains("\n"), e.detail());
    return e;
  }

  @Test
  void parse_empty_badRequest() {
    assertTrue(refused(new byte[0]).detail().contains("empty"));
  }

  @Test
  void parse_randomBytes_badRequest() {
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[1 + random.nextInt(300)];
      random.nextBytes(junk);
      refused(junk);
    }
  }

  @Test
  void parse_truncatedFixture_badRequest() {
    byte[] der = DogtagFixtures.cmc("a_agent_crmf_bob");
    for (int cut : new int[] {1, 2, 10, der.length / 2, der.length - 1}) {
      refused(Arrays.copyOf(der, cut));
    }
  }

  @Test
  void parse_trailingGarbage_badRequest() {
    byte[] der = DogtagFixtures.cmc("f_agent_p10_frank");
    byte[] longer = Arrays.copyOf(der, der.length + 3);
    refused(longer);
  }

  @Test
  void parse_signedDataWithOtherEContentType_badRequest() throws Exception {
    CMSSignedData sd = new CMSSignedDataGenerator().generate(
        new CMSProcessableByteArray(CMSObjectIdentifiers.data, new DERSequence().getEncoded()), true);
    CaException e = refused(sd.getEncoded("DER"));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
    assertTrue(e.detail().contains("id-cct-PKIData"), e.detail());
  }

  @Test
  void parse_signedPkiDataWithoutSigner_badMessageCheck() throws Exception {
    byte[] pkiData = DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256").encodedPkiData();
    CMSSignedData sd = new CMSSignedDataGenerator().generate(
        new CMSProcessableByteArray(CmcObjectIds.PKI_DATA, pkiData), true);
    assertEquals(FailInfo.BAD_MESSAGE_CHECK, refused(sd.getEncoded("DER")).failInfo());
  }

  @Test
  void parse_otherContentType_badRequest() throws Exception {
    byte[] der = new ContentInfo(CMSObjectIdentifiers.envelopedData, new DERSequence()).getEncoded("DER");
    assertTrue(refused(der).detail().contains("neither signedData nor data"));
  }

  @Test
  void parse_unsignedPkiDataWithStrayBytes_badRequest() throws Exception {
    byte[] pkiData = DogtagFixtures.parse("g_revoke_sharedsecret_serial45").encodedPkiData();
    byte[] padded = Arrays.copyOf(pkiData, pkiData.length + 2);
    byte[] der = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {CMSObjectIdentifiers.data,
        new DERTaggedObject(true, 0, new DEROctetString(padded))}).getEncoded("DER");
    assertTrue(refused(der).detail().contains("stray"));
  }

  @Test
  void parse_duplicateSenderNonce_badRequest() throws Exception {
    ASN1ObjectIdentifier nonce = CmcObjectIds.SENDER_NONCE;
    DERSequence control = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
        new org.bouncycastle.asn1.ASN1Integer(1), nonce,
        new org.bouncycastle.asn1.DERSet(new DEROctetString(new byte[] {1}))});
    byte[] pkiData = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
        new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {control, control}),
        new DERSequence(), new DERSequence(), new DERSequence()}).getEncoded("DER");
    byte[] der = new ContentInfo(CMSObjectIdentifiers.data, new DEROctetString(pkiData)).getEncoded("DER");
    assertTrue(refused(der).detail().contains("senderNonce appears 2 times"));
  }

  /** A Name Bouncy Castle takes until its one attribute is read: an INTEGER where a SEQUENCE belongs. */
  private static final org.bouncycastle.asn1.x500.X500Name MALFORMED_NAME = org.bouncycastle.asn1.x500.X500Name
      .getInstance(new DERSequence(new org.bouncycastle.asn1.DERSet(new org.bouncycastle.asn1.ASN1Integer(5))));

  @Test
  void parse_revokeRequestWithMalformedIssuerName_badRequest() throws Exception {
    DERSequence revokeRequest = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {MALFORMED_NAME,
        new org.bouncycastle.asn1.ASN1Integer(45), new org.bouncycastle.asn1.ASN1Enumerated(1)});
    DERSequence control = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
        new org.bouncycastle.asn1.ASN1Integer(1), CmcObjectIds.REVOKE_REQUEST,
        new org.bouncycastle.asn1.DERSet(revokeRequest)});
    byte[] pkiData = new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {new DERSequence(control),
        new DERSequence(), new DERSequence(), new DERSequence()}).getEncoded("DER");
    byte[] der = new ContentInfo(CMSObjectIdentifiers.data, new DEROctetString(pkiData)).getEncoded("DER");
    assertTrue(refused(der).detail().contains("the revokeRequest's issuerName is not a well-formed X.500 Name"));
  }

  @Test
  void parse_signedDataCarryingACertificateWithAMalformedSubject_badRequest() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair keys = g.generateKeyPair();
    org.bouncycastle.operator.ContentSigner signer =
        new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
    org.bouncycastle.cert.X509CertificateHolder cert = new org.bouncycastle.cert.X509v3CertificateBuilder(
        new org.bouncycastle.asn1.x500.X500Name("CN=Some CA"), java.math.BigInteger.TEN,
        new java.util.Date(0), new java.util.Date(4_000_000_000_000L), MALFORMED_NAME,
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())).build(signer);
    CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
    gen.addSignerInfoGenerator(new org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder(
        new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder().build()).build(signer, cert));
    gen.addCertificate(cert);
    byte[] pkiData = DogtagFixtures.parse("f_agent_p10_frank").encodedPkiData();
    byte[] der = gen.generate(new CMSProcessableByteArray(CmcObjectIds.PKI_DATA, pkiData), true).getEncoded("DER");
    assertTrue(refused(der).detail().contains("a SignedData certificate's subject is not a well-formed X.500 Name"));
  }
}
