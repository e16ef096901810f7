package org.p11ca.ca.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigInteger;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class CertificateIdTest {

  @Test
  void issuerSpelledDifferently_sameId_andTheSameAgainWhenRemembered() {
    CertificateId spaced = new CertificateId("CN=CA Signing, O=Example", BigInteger.TEN);
    CertificateId lower = new CertificateId("cn=ca signing,o=example", BigInteger.TEN);
    assertEquals(spaced, lower);
    assertEquals("cn=ca signing,o=example", spaced.issuerDn());
    assertEquals(spaced, new CertificateId("CN=CA Signing, O=Example", BigInteger.TEN));
    assertEquals(spaced, CertificateId.of(new X500Principal("CN=CA Signing,O=Example"), BigInteger.TEN));
  }

  @Test
  void otherIssuerOrSerial_otherId() {
    CertificateId id = new CertificateId("CN=CA Signing,O=Example", BigInteger.TEN);
    assertNotEquals(id, new CertificateId("CN=Other CA,O=Example", BigInteger.TEN));
    assertNotEquals(id, new CertificateId("CN=CA Signing,O=Example", BigInteger.TWO));
  }

  @Test
  void manyIssuers_eachCanonicalStill() {
    for (int i = 0; i < 1100; i++) {
      assertEquals("cn=ca " + i + ",o=example", new CertificateId("CN=CA " + i + ", O=Example", BigInteger.ONE)
          .issuerDn());
    }
  }
}
