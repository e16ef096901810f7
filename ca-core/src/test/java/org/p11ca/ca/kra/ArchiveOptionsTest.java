package org.p11ca.ca.kra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.CertTemplateBuilder;
import org.bouncycastle.asn1.crmf.Controls;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** Malformed PKIArchiveOptions are a BAD_REQUEST with a reason, whichever way Bouncy Castle trips over them. */
class ArchiveOptionsTest {

  private static CertReqMsg withControls(ASN1Encodable controls) {
    CertRequest request = CertRequest.getInstance(new DERSequence(new ASN1Encodable[] {new ASN1Integer(1),
        new CertTemplateBuilder().build(), controls}));
    return new CertReqMsg(request, null, null);
  }

  private static void assertRefused(CertReqMsg msg) {
    CaException e = assertThrows(CaException.class, () -> ArchiveOptions.of(msg));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
    assertTrue(e.detail().startsWith("malformed PKIArchiveOptions: "), e.detail());
  }

  @Test
  void encryptedValueMissingItsFields_badRequest() {
    // encryptedPrivKey [0] EncryptedKey, whose EncryptedValue here is an empty SEQUENCE.
    ASN1Encodable options = new DERTaggedObject(true, 0, new DERSequence());
    assertRefused(withControls(new DERSequence(new DERSequence(new ASN1Encodable[] {
        CRMFObjectIdentifiers.id_regCtrl_pkiArchiveOptions, options}))));
  }

  @Test
  void aControlThatIsNotAnAttributeTypeAndValue_badRequest() {
    assertRefused(withControls(new DERSequence(new DERBitString(new byte[] {1}))));
  }

  @Test
  void noControls_noArchiveOptions() {
    assertTrue(ArchiveOptions.of(withControls(new Controls(new org.bouncycastle.asn1.crmf.AttributeTypeAndValue[0])))
        .isEmpty());
  }
}
