package org.p11ca.ca.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.CertTemplateBuilder;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** What a request asks for, read so that a malformed part is a BAD_REQUEST for its body part, never a crash. */
class RequestedCertificateTest {

  static final Subscriber KEY = Subscriber.rsa(2048);

  /** A Name Bouncy Castle takes until its one attribute is read: an INTEGER where a SEQUENCE belongs. */
  static final X500Name MALFORMED = X500Name.getInstance(new DERSequence(new DERSet(new ASN1Integer(5))));

  @Test
  void crmf_wellFormed_subjectKeyAndExtensions() {
    CertReqMsg msg = KEY.crmf("UID=bob,O=Example");
    RequestedCertificate wanted = RequestedCertificate.of(new TaggedRequest.Crmf(1, msg));
    assertEquals(Optional.of(new X500Name("UID=bob,O=Example")), wanted.subject());
    assertEquals(KEY.publicKeyInfo(), wanted.publicKey());
  }

  @Test
  void crmf_malformedSubject_badRequestNamingTheRequest() {
    CertReqMsg msg = new CertReqMsg(new CertRequest(3, new CertTemplateBuilder().setSubject(MALFORMED)
        .setPublicKey(KEY.publicKeyInfo()).build(), null), null, null);
    CaException e = assertThrows(CaException.class, () -> RequestedCertificate.of(new TaggedRequest.Crmf(4, msg)));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
    assertTrue(e.detail().startsWith("request 4's subject is not a well-formed X.500 Name"), e.detail());
  }

  @Test
  void pkcs10_malformedSubject_badRequest() {
    PKCS10CertificationRequest csr = csr(MALFORMED, new DERSet());
    CaException e = assertThrows(CaException.class, () -> RequestedCertificate.of(new TaggedRequest.Pkcs10(2, csr)));
    assertTrue(e.detail().startsWith("request 2's subject is not a well-formed"), e.detail());
  }

  @Test
  void pkcs10_extensionRequestWithoutValue_badRequest() {
    PKCS10CertificationRequest csr = csr(new X500Name("UID=bob,O=Example"),
        new DERSet(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, new DERSet())));
    CaException e = assertThrows(CaException.class, () -> RequestedCertificate.of(new TaggedRequest.Pkcs10(2, csr)));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
    assertTrue(e.detail().contains("malformed extensionRequest"), e.detail());
  }

  /** A PKCS#10 put together field by field; its signature is never checked here. */
  private static PKCS10CertificationRequest csr(X500Name subject, DERSet attributes) {
    CertificationRequestInfo info = CertificationRequestInfo.getInstance(new DERSequence(new ASN1Encodable[] {
        new ASN1Integer(BigInteger.ZERO), subject, KEY.publicKeyInfo(),
        new org.bouncycastle.asn1.DERTaggedObject(false, 0, attributes)}));
    return new PKCS10CertificationRequest(new CertificationRequest(info,
        new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption), new DERBitString(new byte[8])));
  }
}
