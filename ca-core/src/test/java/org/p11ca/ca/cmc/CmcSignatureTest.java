package org.p11ca.ca.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/** Signatures of the Dogtag requests, checked with the key that made them; tampering is reported with a reason. */
class CmcSignatureTest {

  private static SignatureCheck verify(String fixture, PublicKey key) {
    return DogtagFixtures.parse(fixture).signature().orElseThrow().verify(key);
  }

  private static PublicKey rsa(SubjectPublicKeyInfo spki) throws Exception {
    return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
  }

  /** Self-signed requests (RFC 5272 section 3.2.1.3.2) are signed by the key in the enclosed request. */
  private static PublicKey innerKey(CmcRequest r) throws Exception {
    TaggedRequest req = r.pkiData().requests().get(0);
    if (req instanceof TaggedRequest.Crmf c) {
      return rsa(c.msg().getCertReq().getCertTemplate().getPublicKey());
    }
    return rsa(((TaggedRequest.Pkcs10) req).csr().getSubjectPublicKeyInfo());
  }

  @Test
  void verify_agentCrmfBob_validWithAgentKey() {
    assertEquals(new SignatureCheck.Valid(), verify("a_agent_crmf_bob", DogtagFixtures.key("agent.pem")));
  }

  @Test
  void verify_agentP10Frank_validWithAgentKey() {
    assertEquals(new SignatureCheck.Valid(), verify("f_agent_p10_frank", DogtagFixtures.key("agent.pem")));
  }

  @Test
  void verify_usersignedBobCrmf_validWithBobKey() {
    assertEquals(new SignatureCheck.Valid(), verify("b_usersigned_bob_crmf", DogtagFixtures.key("user-bob.pem")));
  }

  @Test
  void verify_usersignedBobArchival_validWithBobKey() {
    assertEquals(new SignatureCheck.Valid(),
        verify("c_usersigned_bob_popnone_archival", DogtagFixtures.key("user-bob.pem")));
  }

  @Test
  void verify_agentRevocations_validWithAgentKey() {
    assertEquals(new SignatureCheck.Valid(), verify("g_revoke_agent_serial45", DogtagFixtures.key("agent.pem")));
    assertEquals(new SignatureCheck.Valid(), verify("g_cmcrevoke_agent_serial45", DogtagFixtures.key("agent.pem")));
  }

  @Test
  void verify_selfSignedRequests_validWithInnerRequestKey() throws Exception {
    for (String f : new String[] {"d_selfsigned_dave_idpv2_sha256", "d_selfsigned_dave_idpv2_sha512",
        "e_selfsigned_dave_idpv2_plwv2_crmf", "e_selfsigned_dave_idpv2_plwv2_p10"}) {
      CmcRequest r = DogtagFixtures.parse(f);
      assertEquals(new SignatureCheck.Valid(), r.signature().orElseThrow().verify(innerKey(r)), f);
    }
  }

  @Test
  void verify_agentCrmfBob_invalidWithAnotherKey() {
    SignatureCheck.Invalid invalid = assertInstanceOf(SignatureCheck.Invalid.class,
        verify("a_agent_crmf_bob", DogtagFixtures.key("user-bob.pem")));
    assertTrue(invalid.reason().contains("does not verify"), invalid.reason());
  }

  @Test
  void verify_tamperedEContent_invalidWithDigestReason() {
    byte[] der = DogtagFixtures.cmc("a_agent_crmf_bob");
    // Flip one base64 character of the senderNonce: the eContent still parses but no longer matches messageDigest.
    byte[] nonce = "6F90jPHLUijSbSVc5cKUW1Sv26z0Z9QxVkGuC83LsD0=".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int at = indexOf(der, nonce);
    assertTrue(at > 0, "nonce not found in fixture");
    der[at] = (byte) 'X';
    CmcRequest tampered = CmcRequestParser.parse(der);
    SignatureCheck.Invalid invalid = assertInstanceOf(SignatureCheck.Invalid.class,
        tampered.signature().orElseThrow().verify(DogtagFixtures.key("agent.pem")));
    assertTrue(invalid.reason().contains("messageDigest"), invalid.reason());
  }

  @Test
  void signerCertificate_userSigned_isBobsCertificate() throws Exception {
    CmcSignature sig = DogtagFixtures.parse("b_usersigned_bob_crmf").signature().orElseThrow();
    assertEquals(new org.bouncycastle.cert.X509CertificateHolder(DogtagFixtures.cert("user-bob.pem").getEncoded()),
        sig.signerCertificate().orElseThrow());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
