package org.p11ca.ca.cmc;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers;
import org.bouncycastle.asn1.crmf.PKIArchiveOptions;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

/** Each Dogtag fixture parses into what shared/fixtures/dogtag/README.md and VERIFY.txt say it holds. */
class CmcRequestParserDogtagTest {

  private static final X500Name TEST_CA = new X500Name("CN=Test CA,O=Example");
  private static final byte[] DAVE_CRMF_SKI = HexFormat.of().parseHex("712f9cafc3a4b2a22b0056c40c0363f300f0541b");
  private static final byte[] DAVE_P10_SKI = HexFormat.of().parseHex("5be204eae9fdb89736498837a247e47565ae425d");
  private static final ASN1ObjectIdentifier HMAC_SHA256 = PKCSObjectIdentifiers.id_hmacWithSHA256;

  private static byte[] nonce(String base64) {
    return (base64 + "\r\n").getBytes(US_ASCII);
  }

  private static SignerIdentifier signer(CmcRequest r) {
    return r.signature().orElseThrow().signer();
  }

  private static List<Integer> controlIds(CmcRequest r) {
    return r.pkiData().controls().stream().map(Control::bodyPartId).toList();
  }

  // ---- a: agent-signed CRMF ----

  @Test
  void parse_agentCrmfBob_hasIssuerAndSerialSignerOfAgent() {
    assertEquals(new SignerIdentifier.IssuerAndSerial(TEST_CA, BigInteger.TWO), signer(DogtagFixtures.parse(
        "a_agent_crmf_bob")));
  }

  @Test
  void parse_agentCrmfBob_carriesCaAndAgentCertificates() {
    CmcSignature sig = DogtagFixtures.parse("a_agent_crmf_bob").signature().orElseThrow();
    assertEquals(List.of(TEST_CA, new X500Name("UID=agent1,CN=CMC Agent,O=Example")),
        sig.certificates().stream().map(c -> c.getSubject()).toList());
    assertEquals(BigInteger.TWO, sig.signerCertificate().orElseThrow().getSerialNumber());
  }

  @Test
  void parse_agentCrmfBob_hasSha256RsaAlgorithms() {
    CmcSignature sig = DogtagFixtures.parse("a_agent_crmf_bob").signature().orElseThrow();
    assertEquals(NISTObjectIdentifiers.id_sha256, sig.digestAlgorithm().getAlgorithm());
    assertEquals(PKCSObjectIdentifiers.sha256WithRSAEncryption, sig.signatureAlgorithm().getAlgorithm());
  }

  @Test
  void parse_agentCrmfBob_hasNonceAndTransactionId() {
    PkiData d = DogtagFixtures.parse("a_agent_crmf_bob").pkiData();
    assertArrayEquals(nonce("6F90jPHLUijSbSVc5cKUW1Sv26z0Z9QxVkGuC83LsD0="), d.senderNonce().orElseThrow());
    assertEquals(new BigInteger("008e3433680bae02e51f322ba2eb1aac87", 16), d.transactionId().orElseThrow());
    assertEquals(List.of(1, 2), controlIds(DogtagFixtures.parse("a_agent_crmf_bob")));
  }

  @Test
  void parse_agentCrmfBob_hasOneCrmfWhoseCertReqIdCollidesWithSenderNonce() {
    PkiData d = DogtagFixtures.parse("a_agent_crmf_bob").pkiData();
    assertEquals(1, d.requests().size());
    TaggedRequest.Crmf crmf = assertInstanceOf(TaggedRequest.Crmf.class, d.requests().get(0));
    assertEquals(1, crmf.certReqId());
    assertEquals(d.controls().get(0).bodyPartId(), crmf.bodyPartId());
    assertEquals(new X500Name("UID=bob,O=Example"), crmf.msg().getCertReq().getCertTemplate().getSubject());
    assertTrue(d.cms().isEmpty());
    assertTrue(d.others().isEmpty());
  }

  // ---- b and c: user-signed by bob ----

  @Test
  void parse_usersignedBobCrmf_hasIssuerAndSerialSigner() {
    assertEquals(new SignerIdentifier.IssuerAndSerial(TEST_CA, BigInteger.valueOf(3)),
        signer(DogtagFixtures.parse("b_usersigned_bob_crmf")));
  }

  @Test
  void parse_usersignedBobCrmf_hasNonceTransactionIdAndOneCrmf() {
    PkiData d = DogtagFixtures.parse("b_usersigned_bob_crmf").pkiData();
    assertArrayEquals(nonce("6F90jPHLUijSbSVc5cKUW1Sv26z0Z9QxVkGuC83LsD0="), d.senderNonce().orElseThrow());
    assertEquals(new BigInteger("538d4631274c88e6ccd0c9e665e49284", 16), d.transactionId().orElseThrow());
    assertInstanceOf(TaggedRequest.Crmf.class, d.requests().get(0));
  }

  @Test
  void parse_usersignedBobArchival_hasIssuerAndSerialSigner() {
    assertEquals(new SignerIdentifier.IssuerAndSerial(TEST_CA, BigInteger.valueOf(3)),
        signer(DogtagFixtures.parse("c_usersigned_bob_popnone_archival")));
  }

  @Test
  void parse_usersignedBobArchival_hasNonceAndTransactionId() {
    PkiData d = DogtagFixtures.parse("c_usersigned_bob_popnone_archival").pkiData();
    assertArrayEquals(nonce("/PL3oRI56Psay6h3SzPLj+z3bzLLL16VxRVh0yjdygA="), d.senderNonce().orElseThrow());
    assertEquals(new BigInteger("00981bd9a431c0c05a9fa88c59128f6f98", 16), d.transactionId().orElseThrow());
  }

  @Test
  void parse_usersignedBobArchival_crmfHasNoPopAndEncryptedPrivKeyArchiveOptions() {
    TaggedRequest.Crmf crmf = (TaggedRequest.Crmf) DogtagFixtures.parse("c_usersigned_bob_popnone_archival")
        .pkiData().requests().get(0);
    assertNull(crmf.msg().getPop());
    AttributeTypeAndValue[] controls = crmf.msg().getCertReq().getControls().toAttributeTypeAndValueArray();
    assertEquals(1, controls.length);
    assertEquals(CRMFObjectIdentifiers.id_regCtrl_pkiArchiveOptions, controls[0].getType());
    assertEquals(PKIArchiveOptions.encryptedPrivKey,
        PKIArchiveOptions.getInstance(controls[0].getValue()).getType());
  }

  // ---- d: self-signed with identityProofV2 ----

  @Test
  void parse_selfsignedDaveSha256_hasSubjectKeyIdSignerAndNoCertificates() {
    CmcSignature sig = DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256").signature().orElseThrow();
    assertEquals(new SignerIdentifier.SubjectKeyId(DAVE_CRMF_SKI), sig.signer());
    assertTrue(sig.certificates().isEmpty());
    assertTrue(sig.signerCertificate().isEmpty());
  }

  @Test
  void parse_selfsignedDaveSha256_hasNonceIdentificationAndIdentityProof() {
    CmcRequest r = DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256");
    PkiData d = r.pkiData();
    assertArrayEquals(nonce("/PL3oRI56Psay6h3SzPLj+z3bzLLL16VxRVh0yjdygA="), d.senderNonce().orElseThrow());
    assertEquals("dave", d.identification().orElseThrow());
    IdentityProofV2 proof = d.identityProofV2().orElseThrow();
    assertEquals(NISTObjectIdentifiers.id_sha256, proof.proofAlgorithm().getAlgorithm());
    assertEquals(HMAC_SHA256, proof.macAlgorithm().getAlgorithm());
    assertArrayEquals(HexFormat.of().parseHex("bea3f2bf9de146ea1ea9f05d5c2bf6f9079fa4d6dd423113f108e90ff365fcd8"),
        proof.witness());
    assertTrue(d.transactionId().isEmpty());
    assertEquals(List.of(1, 2, 3), controlIds(r));
  }

  @Test
  void parse_selfsignedDaveSha256_templateRawSkiMatchesSigner() {
    TaggedRequest.Crmf crmf = (TaggedRequest.Crmf) DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256")
        .pkiData().requests().get(0);
    assertArrayEquals(DAVE_CRMF_SKI, crmf.templateSubjectKeyId().orElseThrow());
  }

  @Test
  void parse_selfsignedDaveSha256_keepsReqSequenceBytesAtTheirOffset() {
    CmcRequest r = DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha256");
    byte[] req = r.pkiData().encodedReqSequence();
    assertEquals(673, req.length);
    // VERIFY.txt: "673 bytes at eContent offset 173".
    assertArrayEquals(java.util.Arrays.copyOfRange(r.encodedPkiData(), 173, 173 + 673), req);
  }

  @Test
  void parse_selfsignedDaveSha512_hasSha512IdentityProof() {
    PkiData d = DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha512").pkiData();
    assertArrayEquals(nonce("mSgw5zXB3peWkSEfs4gD2b9zMXcm8pa9vVUnyrsCZ8U="), d.senderNonce().orElseThrow());
    assertEquals("dave", d.identification().orElseThrow());
    IdentityProofV2 proof = d.identityProofV2().orElseThrow();
    assertEquals(NISTObjectIdentifiers.id_sha512, proof.proofAlgorithm().getAlgorithm());
    assertEquals(PKCSObjectIdentifiers.id_hmacWithSHA512, proof.macAlgorithm().getAlgorithm());
    assertEquals(64, proof.witness().length);
  }

  @Test
  void parse_selfsignedDaveSha512_hasSubjectKeyIdSigner() {
    assertEquals(new SignerIdentifier.SubjectKeyId(DAVE_CRMF_SKI),
        signer(DogtagFixtures.parse("d_selfsigned_dave_idpv2_sha512")));
  }

  // ---- e: self-signed with popLinkWitnessV2 ----

  @Test
  void parse_popLinkCrmf_acceptsDuplicateBodyPartIdOfPopLinkRandomAndIdentification() {
    CmcRequest r = DogtagFixtures.parse("e_selfsigned_dave_idpv2_plwv2_crmf");
    assertEquals(List.of(1, 2, 2, 3), controlIds(r));
    PkiData d = r.pkiData();
    assertArrayEquals(nonce("mSgw5zXB3peWkSEfs4gD2b9zMXcm8pa9vVUnyrsCZ8U="), d.senderNonce().orElseThrow());
    assertEquals(64, d.popLinkRandom().orElseThrow().length);
    assertEquals("dave", d.identification().orElseThrow());
    assertEquals(NISTObjectIdentifiers.id_sha256, d.identityProofV2().orElseThrow().proofAlgorithm().getAlgorithm());
    assertTrue(d.popLinkWitnessV2().isEmpty());
  }

  @Test
  void parse_popLinkCrmf_hasWitnessInCertRequestControls() {
    CmcRequest r = DogtagFixtures.parse("e_selfsigned_dave_idpv2_plwv2_crmf");
    TaggedRequest.Crmf crmf = (TaggedRequest.Crmf) r.pkiData().requests().get(0);
    PopLinkWitnessV2 w = crmf.popLinkWitnessV2().orElseThrow();
    assertEquals(NISTObjectIdentifiers.id_sha256, w.keyGenAlgorithm().getAlgorithm());
    assertEquals(HMAC_SHA256, w.macAlgorithm().getAlgorithm());
    assertEquals(32, w.witness().length);
    assertEquals(new SignerIdentifier.SubjectKeyId(DAVE_CRMF_SKI), signer(r));
    assertArrayEquals(DAVE_CRMF_SKI, crmf.templateSubjectKeyId().orElseThrow());
  }

  @Test
  void parse_popLinkP10_hasPkcs10WhoseBodyPartIdRepeatsPopLinkRandom() {
    CmcRequest r = DogtagFixtures.parse("e_selfsigned_dave_idpv2_plwv2_p10");
    assertEquals(List.of(1, 2, 3, 4), controlIds(r));
    TaggedRequest.Pkcs10 p10 = assertInstanceOf(TaggedRequest.Pkcs10.class, r.pkiData().requests().get(0));
    assertEquals(2, p10.bodyPartId());
    assertEquals(new X500Name("UID=dave,O=Example"), p10.csr().getSubject());
    PkiData d = r.pkiData();
    assertArrayEquals(nonce("ZzCNgllKrdmir0ot+pZKvK9Qw54YR/RKSRgZ4pgTx5M="), d.senderNonce().orElseThrow());
    assertEquals(64, d.popLinkRandom().orElseThrow().length);
    assertArrayEquals(HexFormat.of().parseHex("de41b51d84431b69a4896eb494e9bf838ccb8794aebba8a4d80b1eed4a66282d"),
        d.identityProofV2().orElseThrow().witness());
  }

  @Test
  void parse_popLinkP10_hasWitnessAttributeAndStandardSki() {
    CmcRequest r = DogtagFixtures.parse("e_selfsigned_dave_idpv2_plwv2_p10");
    TaggedRequest.Pkcs10 p10 = (TaggedRequest.Pkcs10) r.pkiData().requests().get(0);
    assertEquals(HMAC_SHA256, p10.popLinkWitnessV2().orElseThrow().macAlgorithm().getAlgorithm());
    assertArrayEquals(DAVE_P10_SKI, p10.requestedSubjectKeyId().orElseThrow());
    assertEquals(new SignerIdentifier.SubjectKeyId(DAVE_P10_SKI), signer(r));
  }

  // ---- f: agent-signed PKCS#10 ----

  @Test
  void parse_agentP10Frank_hasPkcs10AtBodyPart2AndTransactionIdAtBodyPart3() {
    CmcRequest r = DogtagFixtures.parse("f_agent_p10_frank");
    assertEquals(new SignerIdentifier.IssuerAndSerial(TEST_CA, BigInteger.TWO), signer(r));
    assertEquals(List.of(1, 3), controlIds(r));
    PkiData d = r.pkiData();
    assertArrayEquals(nonce("maBmyCt1dhPRREC4AX3vmiuH6Zf8yhu/cfgVdXWBaSE="), d.senderNonce().orElseThrow());
    assertEquals(new BigInteger("00b2a01459045a889ead0a1dcb4447cf04", 16), d.transactionId().orElseThrow());
    TaggedRequest.Pkcs10 p10 = assertInstanceOf(TaggedRequest.Pkcs10.class, d.requests().get(0));
    assertEquals(2, p10.bodyPartId());
    assertEquals(new X500Name("UID=frank,O=Example"), p10.csr().getSubject());
    assertTrue(p10.popLinkWitnessV2().isEmpty());
  }

  // ---- g: revocations ----

  @Test
  void parse_cmcRevokeAgent_hasRevokeRequestSerial45KeyCompromise() {
    CmcRequest r = DogtagFixtures.parse("g_cmcrevoke_agent_serial45");
    assertEquals(new SignerIdentifier.IssuerAndSerial(TEST_CA, BigInteger.TWO), signer(r));
    assertTrue(r.pkiData().requests().isEmpty());
    assertArrayEquals(nonce("oM5NxGxv8AfxaMrik0UUYjqQFDdWMsJnjHOaEPnXSZM="),
        r.pkiData().senderNonce().orElseThrow());
    RevocationRequest rev = r.pkiData().revokeRequests().get(0);
    assertEquals(TEST_CA, rev.issuerName());
    assertEquals(BigInteger.valueOf(45), rev.serial());
    assertEquals(1, rev.reason());
    assertTrue(rev.invalidityDate().isEmpty());
    assertTrue(rev.passphrase().isEmpty());
    assertEquals("fixture CMCRevoke 0x2D", rev.comment().orElseThrow());
  }

  @Test
  void parse_revokeAgent_hasInvalidityDateAndComment() {
    CmcRequest r = DogtagFixtures.parse("g_revoke_agent_serial45");
    assertEquals(new SignerIdentifier.IssuerAndSerial(TEST_CA, BigInteger.TWO), signer(r));
    assertArrayEquals(nonce("maBmyCt1dhPRREC4AX3vmiuH6Zf8yhu/cfgVdXWBaSE="), r.pkiData().senderNonce().orElseThrow());
    List<RevocationRequest> revs = r.pkiData().revokeRequests();
    assertEquals(1, revs.size());
    RevocationRequest rev = revs.get(0);
    assertEquals(BigInteger.valueOf(45), rev.serial());
    assertEquals(1, rev.reason());
    assertEquals(Instant.parse("2026-11-23T12:33:28Z"), rev.invalidityDate().orElseThrow());
    assertEquals("fixture revoke 0x2D", rev.comment().orElseThrow());
  }

  @Test
  void parse_revokeSharedSecret_isUnsignedWithPassphrase() {
    CmcRequest r = DogtagFixtures.parse("g_revoke_sharedsecret_serial45");
    assertFalse(r.signature().isPresent());
    assertArrayEquals(nonce("3pwC2M1z9xOiDFlyvDwLNeT3go4CzpPcGHA7eo+g+bk="), r.pkiData().senderNonce().orElseThrow());
    RevocationRequest rev = r.pkiData().revokeRequests().get(0);
    assertEquals(TEST_CA, rev.issuerName());
    assertEquals(BigInteger.valueOf(45), rev.serial());
    assertEquals(1, rev.reason());
    assertArrayEquals("RevokeSecret.45".getBytes(US_ASCII), rev.passphrase().orElseThrow());
    assertEquals("fixture shared-secret revoke 0x2D", rev.comment().orElseThrow());
    assertFalse(rev.toString().contains("RevokeSecret"));
  }

  @Test
  void parse_everyCmcFixture_hasBase64CrlfSenderNonce() throws Exception {
    try (var files = java.nio.file.Files.list(DogtagFixtures.root().resolve("cmc"))) {
      List<java.nio.file.Path> ders = files.filter(p -> p.toString().endsWith(".der")).sorted().toList();
      assertEquals(11, ders.size(), "fixture set changed: " + ders);
      for (java.nio.file.Path p : ders) {
        byte[] n = CmcRequestParser.parse(java.nio.file.Files.readAllBytes(p)).pkiData().senderNonce().orElseThrow();
        // README: ASCII base64 of 32 bytes followed by CRLF, 46 octets.
        assertEquals(46, n.length, p.toString());
        assertEquals('\r', n[44], p.toString());
        assertEquals('\n', n[45], p.toString());
      }
    }
  }
}
