package org.p11ca.ca.cmc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Optional;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** The witnesses Dogtag's CMCRequest sent are reproduced; the RFC's PBKDF2 form round-trips; weak choices fail. */
class SharedSecretMacsTest {

  private static final byte[] SECRET = "MySharedSecret.42".getBytes(UTF_8);

  private static byte[] identityWitness(PkiData d) {
    IdentityProofV2 p = d.identityProofV2().orElseThrow();
    byte[] key = SharedSecretMacs.identityProofKey(p.proofAlgorithm(), SECRET, d.identification());
    return SharedSecretMacs.mac(p.macAlgorithm(), key, d.encodedReqSequence(), "test");
  }

  @Test
  void identityProofKey_dogtagFixtures_reproduceWitness() {
    for (String f : new String[] {"d_selfsigned_dave_idpv2_sha256", "d_selfsigned_dave_idpv2_sha512",
        "e_selfsigned_dave_idpv2_plwv2_crmf", "e_selfsigned_dave_idpv2_plwv2_p10"}) {
      PkiData d = DogtagFixtures.parse(f).pkiData();
      assertTrue(SharedSecretMacs.sameWitness(identityWitness(d), d.identityProofV2().orElseThrow().witness()), f);
    }
  }

  @Test
  void popLinkKey_dogtagCrmfAndPkcs10_reproduceWitness() {
    PkiData crmf = DogtagFixtures.parse("e_selfsigned_dave_idpv2_plwv2_crmf").pkiData();
    PkiData p10 = DogtagFixtures.parse("e_selfsigned_dave_idpv2_plwv2_p10").pkiData();
    PopLinkWitnessV2 inCrmf = ((TaggedRequest.Crmf) crmf.requests().get(0)).popLinkWitnessV2().orElseThrow();
    PopLinkWitnessV2 inP10 = ((TaggedRequest.Pkcs10) p10.requests().get(0)).popLinkWitnessV2().orElseThrow();
    for (Object[] c : new Object[][] {{crmf, inCrmf}, {p10, inP10}}) {
      PkiData d = (PkiData) c[0];
      PopLinkWitnessV2 w = (PopLinkWitnessV2) c[1];
      byte[] key = SharedSecretMacs.popLinkKey(w.keyGenAlgorithm(), w.macAlgorithm(), SECRET, d.identification());
      assertArrayEquals(w.witness(), SharedSecretMacs.mac(w.macAlgorithm(), key, d.popLinkRandom().orElseThrow(),
          "test"));
    }
  }

  @Test
  void identityProofKey_otherIdentification_givesOtherWitness() {
    PkiData d = DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256").pkiData();
    IdentityProofV2 p = d.identityProofV2().orElseThrow();
    byte[] key = SharedSecretMacs.identityProofKey(p.proofAlgorithm(), SECRET, Optional.of("eve"));
    assertFalse(SharedSecretMacs.sameWitness(SharedSecretMacs.mac(p.macAlgorithm(), key, d.encodedReqSequence(),
        "test"), p.witness()));
  }

  @Test
  void popLinkKey_pbkdf2_usesSecretAloneAndItsParameters() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    AlgorithmIdentifier kdf = SharedSecretMacs.pbkdf2(salt, 2048, "SHA-256");
    AlgorithmIdentifier mac = SharedSecretMacs.macAlgorithm("SHA-256-HMAC");
    byte[] key = SharedSecretMacs.popLinkKey(kdf, mac, SECRET, Optional.of("dave"));
    assertEquals(32, key.length);
    // The RFC derives from the shared secret only: the identification does not change the key.
    assertArrayEquals(key, SharedSecretMacs.popLinkKey(kdf, mac, SECRET, Optional.empty()));
    assertFalse(java.util.Arrays.equals(key, SharedSecretMacs.popLinkKey(SharedSecretMacs.pbkdf2(salt, 2049,
        "SHA-256"), mac, SECRET, Optional.empty())));
  }

  @Test
  void popLinkKey_pbkdf2TooManyIterations_isBadAlg() {
    AlgorithmIdentifier kdf = SharedSecretMacs.pbkdf2(new byte[16], SharedSecretMacs.PBKDF2_MAX_ITERATIONS + 1,
        "SHA-256");
    CaException e = assertThrows(CaException.class, () -> SharedSecretMacs.popLinkKey(kdf,
        SharedSecretMacs.macAlgorithm("SHA-256-HMAC"), SECRET, Optional.empty()));
    assertEquals(FailInfo.BAD_ALG, e.failInfo());
  }

  @Test
  void identityProofKey_sha1_isBadAlg() {
    CaException e = assertThrows(CaException.class, () -> SharedSecretMacs.identityProofKey(
        new AlgorithmIdentifier(org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1), SECRET, Optional.empty()));
    assertEquals(FailInfo.BAD_ALG, e.failInfo());
    assertTrue(e.detail().contains("1.3.14.3.2.26"), e.detail());
  }

  @Test
  void digestAlgorithm_dogtagNames_mapToNistOids() {
    assertEquals(NISTObjectIdentifiers.id_sha512, SharedSecretMacs.digestAlgorithm("SHA-512").getAlgorithm());
    assertThrows(IllegalArgumentException.class, () -> SharedSecretMacs.macAlgorithm("MD5-HMAC"));
  }

  @Test
  void builder_identityProofV2_verifiesOverItsOwnReqSequence() throws Exception {
    PkiData dave = DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256").pkiData();
    CmcRequestBuilder b = new CmcRequestBuilder(new SecureRandom()).identification("dave")
        .identityProofV2(SharedSecretMacs.digestAlgorithm("SHA-384"), SharedSecretMacs.macAlgorithm("SHA-384-HMAC"),
            SECRET)
        .crmf(((TaggedRequest.Crmf) dave.requests().get(0)).msg());
    PkiData built = PkiDataParser.parse(b.encodePkiData());
    assertTrue(SharedSecretMacs.sameWitness(identityWitness(built), built.identityProofV2().orElseThrow().witness()));
  }
}
