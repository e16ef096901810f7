package org.p11ca.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.ProfileLoader;

class SubjectKeyCheckTest {

  static final Profile PROFILE = ProfileLoader.loadDefaults().find("caFullCMCUserCert").orElseThrow();
  static final AlgorithmIdentifier RSA = new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
      DERNull.INSTANCE);

  @Test
  void rsaKeyWithEmptyBits_badRequest() {
    CaException e = assertThrows(CaException.class, () -> SubjectKeyCheck.require(PROFILE,
        new SubjectPublicKeyInfo(RSA, new byte[0])));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
    assertTrue(e.detail().contains("not a valid RSAPublicKey"), e.detail());
  }

  @Test
  void rsaKeyThatIsNotDer_badRequest() {
    CaException e = assertThrows(CaException.class, () -> SubjectKeyCheck.require(PROFILE,
        new SubjectPublicKeyInfo(RSA, new byte[] {0x30, 0x03, 0x02, 0x01})));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
  }
}
