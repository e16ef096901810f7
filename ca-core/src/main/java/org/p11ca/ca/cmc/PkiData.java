package org.p11ca.ca.cmc;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * PKIData (RFC 5272 section 3.2.1) as sent. {@code encodedReqSequence} is the reqSequence TLV cut from the
 * eContent byte for byte: the identityProofV2 witness is a MAC over exactly those bytes (section 6.2.1).
 * The typed accessors decode on each call and were all exercised once by the parser, so on a parsed PkiData they
 * do not throw.
 */
public record PkiData(List<Control> controls, List<TaggedRequest> requests, List<CmsSequence> cms,
    List<OtherMsg> others, byte[] encodedReqSequence) {

  public PkiData {
    controls = List.copyOf(controls);
    requests = List.copyOf(requests);
    cms = List.copyOf(cms);
    others = List.copyOf(others);
    encodedReqSequence = encodedReqSequence.clone();
  }

  @Override
  public byte[] encodedReqSequence() {
    return encodedReqSequence.clone();
  }

  /**
   * The TaggedRequest element {@code index} of reqSequence exactly as sent (a DER element re-encodes to its own
   * bytes): what an EncryptedPOP carries back and what the DecryptedPOP proof MACs (RFC 5272 section 6.7).
   */
  public byte[] encodedRequest(int index) {
    return Asn1Decoding.decode("reqSequence", () -> {
      try {
        return org.bouncycastle.asn1.ASN1Sequence.getInstance(encodedReqSequence).getObjectAt(index)
            .toASN1Primitive().getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(e);
      }
    });
  }

  private KnownControls known() {
    return new KnownControls(controls);
  }

  /** The senderNonce octets exactly as sent (Dogtag: base64 text + CRLF), to echo as recipientNonce. */
  public Optional<byte[]> senderNonce() {
    return known().octets(CmcObjectIds.SENDER_NONCE, "senderNonce");
  }

  public Optional<BigInteger> transactionId() {
    return known().integer(CmcObjectIds.TRANSACTION_ID, "transactionId");
  }

  /** The identification control (RFC 5272 section 6.2.3), input to the identity proof key. */
  public Optional<String> identification() {
    return known().utf8(CmcObjectIds.IDENTIFICATION, "identification");
  }

  public Optional<IdentityProofV2> identityProofV2() {
    return known().single(CmcObjectIds.IDENTITY_PROOF_V2, "identityProofV2", IdentityProofV2::decode);
  }

  /** popLinkRandom (RFC 5272 section 6.3.1): the random value R the requests' popLinkWitnessV2 MACs. */
  public Optional<byte[]> popLinkRandom() {
    return known().octets(CmcObjectIds.POP_LINK_RANDOM, "popLinkRandom");
  }

  /** popLinkWitnessV2 sent as a PKIData control; Dogtag puts it inside the request instead (see TaggedRequest). */
  public Optional<PopLinkWitnessV2> popLinkWitnessV2() {
    return known().single(CmcObjectIds.POP_LINK_WITNESS_V2, "popLinkWitnessV2", PopLinkWitnessV2::decode);
  }

  /** regInfo (RFC 5272 section 6.12): opaque registration data for the CA. */
  public Optional<byte[]> regInfo() {
    return known().octets(CmcObjectIds.REG_INFO, "regInfo");
  }

  /** decryptedPOP controls, one per request answering an encryptedPOP challenge (RFC 5272 section 6.7). */
  public List<DecryptedPop> decryptedPops() {
    return known().all(CmcObjectIds.DECRYPTED_POP, "decryptedPOP", DecryptedPop::decode);
  }

  /** revokeRequest controls; RFC 5272 section 6.11 allows several in one message. */
  public List<RevocationRequest> revokeRequests() {
    return known().all(CmcObjectIds.REVOKE_REQUEST, "revokeRequest", RevocationRequest::decode);
  }

  /** The bodyPartID of each revokeRequest control, in the order {@link #revokeRequests} gives them. */
  public List<Integer> revokeRequestBodyPartIds() {
    return known().ofType(CmcObjectIds.REVOKE_REQUEST).stream().map(Control::bodyPartId).toList();
  }

  /** Decodes every typed control once, so a malformed known control fails at parse time. */
  void checkKnownControls() {
    senderNonce();
    transactionId();
    identification();
    identityProofV2();
    popLinkRandom();
    popLinkWitnessV2();
    regInfo();
    decryptedPops();
    revokeRequests();
    for (TaggedRequest r : requests) {
      if (r instanceof TaggedRequest.Crmf c) {
        c.popLinkWitnessV2();
      } else if (r instanceof TaggedRequest.Pkcs10 p) {
        p.popLinkWitnessV2();
      }
    }
  }
}
