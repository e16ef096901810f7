package org.p11ca.ca.proof;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.p11ca.ca.cmc.IdentityProofV2;
import org.p11ca.ca.cmc.PkiData;
import org.p11ca.ca.cmc.PopLinkWitnessV2;
import org.p11ca.ca.cmc.SharedSecretMacs;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * The two checks a shared secret makes on a request, given the secret in clear: identityProofV2 over reqSequence
 * (RFC 5272 section 6.2.1, badIdentity when it does not verify) and popLinkWitnessV2 in each certification request
 * (section 6.3.1.1, popFailed). Pure: no store, no audit; witnesses are compared in constant time.
 */
public final class SharedSecretProof {

  private SharedSecretProof() {
  }

  public static Verdict identityProof(PkiData data, byte[] secret) {
    IdentityProofV2 proof = data.identityProofV2().orElseThrow();
    try {
      byte[] key = SharedSecretMacs.identityProofKey(proof.proofAlgorithm(), secret, data.identification());
      byte[] computed = SharedSecretMacs.mac(proof.macAlgorithm(), key, data.encodedReqSequence(),
          "identityProofV2 macAlgId");
      java.util.Arrays.fill(key, (byte) 0);
      return SharedSecretMacs.sameWitness(computed, proof.witness()) ? Verdict.pass()
          : Verdict.refuse(FailInfo.BAD_IDENTITY, "the identityProofV2 witness does not match the shared secret of"
              + " identification '" + data.identification().orElse("") + "'");
    } catch (CaException e) {
      return Verdict.refuse(e.failInfo(), e.detail());
    }
  }

  /** Whether the message carries popLinkWitnessV2 anywhere (then every request must, with popLinkRandom). */
  public static boolean popLinkPresent(PkiData data) {
    return data.popLinkRandom().isPresent() || data.popLinkWitnessV2().isPresent()
        || data.requests().stream().anyMatch(r -> witness(r).isPresent());
  }

  /**
   * Every certification request must carry a popLinkWitnessV2 that is the MAC of popLinkRandom under the key the
   * witness's keyGenAlgorithm derives from the secret (RFC 5272 section 6.3.1.1: "servers MUST verify that each
   * certification request contains a copy").
   */
  public static Verdict popLinkWitness(PkiData data, byte[] secret) {
    if (data.popLinkWitnessV2().isPresent()) {
      return Verdict.refuse(FailInfo.BAD_REQUEST, "popLinkWitnessV2 is a PKIData control here; it belongs inside"
          + " each certification request (CRMF controls or a PKCS#10 attribute, RFC 5272 section 6.3.1.1)");
    }
    Optional<byte[]> random = data.popLinkRandom();
    if (random.isEmpty()) {
      return Verdict.refuse(FailInfo.BAD_REQUEST, "the requests carry popLinkWitnessV2 but the message has no"
          + " popLinkRandom control (RFC 5272 section 6.3.1.3)");
    }
    List<Integer> failed = new ArrayList<>();
    for (TaggedRequest r : data.requests()) {
      Optional<PopLinkWitnessV2> w = witness(r);
      if (w.isEmpty()) {
        return Verdict.refuse(FailInfo.POP_FAILED, "request " + r.bodyPartId() + " carries no popLinkWitnessV2"
            + " (RFC 5272 section 6.3.1.1: every request must)");
      }
      try {
        byte[] key = SharedSecretMacs.popLinkKey(w.get().keyGenAlgorithm(), w.get().macAlgorithm(), secret,
            data.identification());
        byte[] computed = SharedSecretMacs.mac(w.get().macAlgorithm(), key, random.get(),
            "popLinkWitnessV2 macAlgorithm");
        java.util.Arrays.fill(key, (byte) 0);
        if (!SharedSecretMacs.sameWitness(computed, w.get().witness())) {
          failed.add(r.bodyPartId());
        }
      } catch (CaException e) {
        return Verdict.refuse(e.failInfo(), "request " + r.bodyPartId() + ": " + e.detail());
      }
    }
    return failed.isEmpty() ? Verdict.pass()
        : Verdict.refuse(FailInfo.POP_FAILED, "the popLinkWitnessV2 of request(s) " + failed + " is not the MAC of"
            + " popLinkRandom under the shared secret of identification '" + data.identification().orElse("")
            + "'");
  }

  private static Optional<PopLinkWitnessV2> witness(TaggedRequest r) {
    if (r instanceof TaggedRequest.Crmf c) {
      return c.popLinkWitnessV2();
    }
    if (r instanceof TaggedRequest.Pkcs10 p) {
      return p.popLinkWitnessV2();
    }
    return Optional.empty();
  }
}
