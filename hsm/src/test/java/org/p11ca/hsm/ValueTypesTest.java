package org.p11ca.hsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @Test
  void keyPairSpec_parsesOperatorSpellings() {
    assertEquals(new KeyPairSpec.Rsa(2048), KeyPairSpec.parse("rsa2048"));
    assertEquals(new KeyPairSpec.Rsa(3072), KeyPairSpec.parse("RSA:3072"));
    assertEquals(new KeyPairSpec.Ec(EcCurve.P256), KeyPairSpec.parse("ec-p256"));
    assertEquals(new KeyPairSpec.Ec(EcCurve.P384), KeyPairSpec.parse("secp384r1"));
  }

  @Test
  void keyPairSpec_refusesRsaBelow2048() {
    assertThrows(IllegalArgumentException.class, () -> KeyPairSpec.parse("rsa1024"));
  }

  @Test
  void ecCurve_paramsAreTheDerOid() {
    // 06 08 2A 86 48 CE 3D 03 01 07 = OBJECT IDENTIFIER 1.2.840.10045.3.1.7 (RFC 5480)
    assertArrayEquals(HexFormat.of().parseHex("06082a8648ce3d030107"), EcCurve.P256.ecParams());
    assertEquals(Optional.of(EcCurve.P384), EcCurve.fromEcParams(EcCurve.P384.ecParams()));
    assertEquals(Optional.empty(), EcCurve.fromEcParams(new byte[] {6, 1, 0}));
  }

  @Test
  void objectId_parsesHexWithPrefixOrColons() {
    assertEquals(ObjectId.parseHex("0a0b"), ObjectId.parseHex("0x0A:0B"));
    assertThrows(IllegalArgumentException.class, () -> ObjectId.parseHex("xyz"));
  }

  @Test
  void keyAttributes_needAUsageAndDefaultToNotExtractable() {
    assertThrows(IllegalArgumentException.class,
        () -> new KeyAttributes(Optional.empty(), Optional.empty(), Set.of(), false, false));
    KeyAttributes a = KeyAttributes.persistent("k", ObjectId.parseHex("01"), KeyUsage.SIGN);
    assertEquals(false, a.extractable());
    assertEquals(true, a.allowWrappingOutOfToken().extractable());
  }

  @Test
  void tokenConfig_refusesBadPoolSettings() {
    TokenConfig ok = TokenConfig.of(java.nio.file.Path.of("/lib.so"), SlotSelector.id(0),
        PinSource.ofValue(new char[] {'1'}), Backend.IAIK);
    assertThrows(IllegalArgumentException.class, () -> ok.withPoolSize(0));
    assertThrows(IllegalArgumentException.class, () -> ok.withCheckoutTimeout(java.time.Duration.ZERO));
  }

  @Test
  void signatureAlgorithm_parsesEnumAndJcaNames() {
    assertEquals(SignatureAlgorithm.ECDSA_SHA384, SignatureAlgorithm.parse("SHA384withECDSA"));
    assertEquals(SignatureAlgorithm.RSA_PSS_SHA256, SignatureAlgorithm.parse("rsa-pss-sha256"));
    assertThrows(IllegalArgumentException.class, () -> SignatureAlgorithm.parse("MD5withRSA"));
  }
}
