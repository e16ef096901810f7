package org.p11ca.ca.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

class DistinguishedNamesTest {

  @Test
  void rfc4514_mostSpecificRdnFirst_sameAnswerWhenRemembered() {
    X500Name name = new X500Name("C=US,O=Example,CN=Bob");
    assertEquals("CN=Bob,O=Example,C=US", DistinguishedNames.rfc4514(name));
    assertEquals("CN=Bob,O=Example,C=US", DistinguishedNames.rfc4514(new X500Name("C=US,O=Example,CN=Bob")));
  }

  @Test
  void rfc4514_namesBouncyCastleCallsEqual_stillReadAsEncoded() {
    X500Name upper = new X500Name("O=Example,CN=Bob");
    X500Name lower = new X500Name("O=Example,CN=bob");
    assertEquals(upper, lower, "BCStyle compares case-insensitively");
    assertEquals("CN=Bob,O=Example", DistinguishedNames.rfc4514(upper));
    assertEquals("CN=bob,O=Example", DistinguishedNames.rfc4514(lower));
    assertEquals("CN=Bob,O=Example", DistinguishedNames.rfc4514(upper));
  }

  @Test
  void rfc4514_manyDistinctNames_cacheStaysBounded() {
    for (int i = 0; i <= DistinguishedNames.CACHE_LIMIT + 10; i++) {
      assertEquals("CN=user" + i + ",O=Example", DistinguishedNames.rfc4514(new X500Name("O=Example,CN=user" + i)));
    }
    assertTrue(DistinguishedNames.cached() <= DistinguishedNames.CACHE_LIMIT);
  }

  /** A Name whose one RDN holds {@code attribute}, which Bouncy Castle accepts until the attribute is read. */
  private static X500Name nameWith(ASN1Encodable attribute) {
    return X500Name.getInstance(new DERSequence(new DERSet(attribute)));
  }

  /** A UTF8String whose octets are not UTF-8 (a lone continuation byte). */
  private static ASN1Primitive badUtf8() throws Exception {
    return ASN1Primitive.fromByteArray(new byte[] {0x0c, 0x02, 0x41, (byte) 0x80});
  }

  @Test
  void requireWellFormed_aProperName_isReturnedAsItIs() {
    X500Name name = new X500Name("UID=bob,O=Example");
    assertSame(name, DistinguishedNames.requireWellFormed(name, "the subject"));
  }

  @Test
  void requireWellFormed_malformedAttributes_badRequestNamingThePlace() throws Exception {
    ASN1Encodable[] attributes = {
        new ASN1Integer(5),
        new DERSequence(BCStyle.CN),
        new DERSequence(new ASN1Encodable[] {new DERUTF8String("x"), new DERUTF8String("y")}),
        new DERSequence(new ASN1Encodable[] {BCStyle.CN, badUtf8()})};
    for (int i = 0; i < attributes.length; i++) {
      X500Name name = nameWith(attributes[i]);
      CaException e = assertThrows(CaException.class,
          () -> DistinguishedNames.requireWellFormed(name, "request 1's subject"), "attribute " + i);
      assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
      assertTrue(e.detail().startsWith("request 1's subject is not a well-formed X.500 Name"), e.detail());
    }
    X500Name emptyRdn = X500Name.getInstance(new DERSequence(new DERSet()));
    assertTrue(assertThrows(CaException.class, () -> DistinguishedNames.requireWellFormed(emptyRdn, "the issuer"))
        .detail().contains("an empty RelativeDistinguishedName"));
  }

  @Test
  void rfc4514_aNameThatDoesNotDecode_isShownAsItsDer() throws Exception {
    X500Name name = nameWith(new ASN1Integer(5));
    assertEquals("#" + java.util.HexFormat.of().formatHex(name.getEncoded()), DistinguishedNames.rfc4514(name));
    // The JDK reads a bad UTF8String leniently (a replacement character), which is fine to show.
    X500Name badString = nameWith(new DERSequence(new ASN1Encodable[] {BCStyle.CN, badUtf8()}));
    assertEquals("CN=A\ufffd", DistinguishedNames.rfc4514(badString));
  }

  @Test
  void rfc4514_controlCharacters_becomeHexPairs_soANameIsOneLine() {
    X500Name name = new X500Name(new org.bouncycastle.asn1.x500.RDN[] {new org.bouncycastle.asn1.x500.RDN(
        BCStyle.CN, new DERUTF8String("Bob\n[AuditEvent=FAKE]\u0085\u2028"))});
    assertEquals("CN=Bob\\0a[AuditEvent\\=FAKE]\\c2\\85\\e2\\80\\a8", DistinguishedNames.rfc4514(name));
  }
}
