package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.IdentityProofV2;
import org.p11ca.ca.cmc.PopLinkWitnessV2;
import org.p11ca.ca.cmc.SharedSecretMacs;
import org.p11ca.ca.cmc.SignatureCheck;
import org.p11ca.ca.cmc.SignerIdentifier;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.proof.PossessionCheck;
import org.p11ca.ca.proof.SelfSignedKeyId;
import org.p11ca.ca.proof.SharedSecretProof;
import org.p11ca.ca.proof.Verdict;

/**
 * Checks of the shared-secret controls as the CA makes them (ca-core's SharedSecretMacs and proof package over
 * what CmcRequestParser read), and for Dogtag's bare-hash key derivation once more with the JDK alone, so a mistake
 * shared by the client and SharedSecretMacs would still show.
 */
final class SharedSecretWitnesses {
  private SharedSecretWitnesses() {
  }

  static PublicKey publicKey(SubjectPublicKeyInfo info) throws Exception {
    return new JcaPEMKeyConverter().getPublicKey(info);
  }

  static SubjectPublicKeyInfo requestKey(TaggedRequest request) {
    return request instanceof TaggedRequest.Crmf c ? c.msg().getCertReq().getCertTemplate().getPublicKey()
        : ((TaggedRequest.Pkcs10) request).csr().getSubjectPublicKeyInfo();
  }

  /** The CMC signature verifies with the key the (only) request asks a certificate for. */
  static void assertSignedByTheRequestKey(CmcRequest request) throws Exception {
    SignatureCheck check = request.signature().orElseThrow()
        .verify(publicKey(requestKey(request.pkiData().requests().get(0))));
    assertTrue(check.isValid(), check::toString);
  }

  /** identityProofV2's witness, recomputed over the reqSequence exactly as sent. */
  static IdentityProofV2 assertIdentityProofVerifies(CmcRequest request, String secret) {
    IdentityProofV2 proof = request.pkiData().identityProofV2().orElseThrow();
    byte[] key = SharedSecretMacs.identityProofKey(proof.proofAlgorithm(), utf8(secret),
        request.pkiData().identification());
    byte[] expected = SharedSecretMacs.mac(proof.macAlgorithm(), key, request.pkiData().encodedReqSequence(), "mac");
    assertArrayEquals(expected, proof.witness(), "identityProofV2 witness over reqSequence");
    return proof;
  }

  static PopLinkWitnessV2 popLinkWitness(TaggedRequest request) {
    return (request instanceof TaggedRequest.Crmf c ? c.popLinkWitnessV2()
        : ((TaggedRequest.Pkcs10) request).popLinkWitnessV2()).orElseThrow();
  }

  /** The request's popLinkWitnessV2, recomputed over the popLinkRandom control. */
  static PopLinkWitnessV2 assertPopLinkVerifies(CmcRequest request, String secret) {
    PopLinkWitnessV2 witness = popLinkWitness(request.pkiData().requests().get(0));
    byte[] random = request.pkiData().popLinkRandom().orElseThrow();
    byte[] key = SharedSecretMacs.popLinkKey(witness.keyGenAlgorithm(), witness.macAlgorithm(), utf8(secret),
        request.pkiData().identification());
    assertArrayEquals(SharedSecretMacs.mac(witness.macAlgorithm(), key, random, "mac"), witness.witness(),
        "popLinkWitnessV2 over popLinkRandom");
    byte[] wrongKey = SharedSecretMacs.popLinkKey(witness.keyGenAlgorithm(), witness.macAlgorithm(),
        utf8(secret + "x"), request.pkiData().identification());
    assertFalse(MessageDigest.isEqual(SharedSecretMacs.mac(witness.macAlgorithm(), wrongKey, random, "mac"),
        witness.witness()), "another secret gives another witness");
    return witness;
  }

  /** Dogtag's derivation, with the JDK only: HMAC(hash(secret || identification), data). */
  static byte[] dogtagMac(String jdkHash, String jdkMac, String secret, String identification, byte[] data)
      throws Exception {
    byte[] key = MessageDigest.getInstance(jdkHash).digest(utf8(secret + identification));
    Mac mac = Mac.getInstance(jdkMac);
    mac.init(new SecretKeySpec(key, jdkMac));
    return mac.doFinal(data);
  }

  /**
   * The CA's own checks of a self-signed shared-secret request (ca-core's proof package): the SignerInfo's key id
   * names the request's key, the identity proof and any POP link witness verify, and the request's POP passes.
   */
  static void assertTheCaAccepts(CmcRequest request, String secret) {
    TaggedRequest tagged = request.pkiData().requests().get(0);
    Optional<byte[]> requested = tagged instanceof TaggedRequest.Crmf c ? c.templateSubjectKeyId()
        : ((TaggedRequest.Pkcs10) tagged).requestedSubjectKeyId();
    SignerIdentifier.SubjectKeyId sid = (SignerIdentifier.SubjectKeyId) request.signature().orElseThrow().signer();
    assertTrue(SelfSignedKeyId.names(sid.keyId(), requestKey(tagged), requested), "SelfSignedKeyId");
    Verdict identity = SharedSecretProof.identityProof(request.pkiData(), utf8(secret));
    assertTrue(identity.passed(), identity::toString);
    if (SharedSecretProof.popLinkPresent(request.pkiData())) {
      Verdict link = SharedSecretProof.popLinkWitness(request.pkiData(), utf8(secret));
      assertTrue(link.passed(), link::toString);
    }
    Verdict pop = PossessionCheck.check(tagged, false);
    assertTrue(pop.passed(), pop::toString);
  }

  static void assertNoSecret(Cli.Result r, String secret) {
    assertFalse(r.out().contains(secret) || r.err().contains(secret), () -> "secret printed: " + r);
  }

  static Optional<String> line(Cli.Result r, String start) {
    return r.out().lines().filter(l -> l.startsWith(start)).findFirst();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
