package org.p11ca.client;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.EncryptedPop;
import org.p11ca.ca.cmc.TaggedRequest;

/**
 * A round-1 CMC response that challenges a request (RFC 5272 section 6.7): exactly one encryptedPOP, and the
 * responseInfo that names the pending request (section 6.12; Dogtag's request id as BigInteger octets). Answered
 * as Dogtag's CMCRequest answers it: a decryptedPOP control, a regInfo control carrying the responseInfo octets
 * verbatim, and the challenged request, sent back byte for byte as the CA returned it (the proof MACs those bytes).
 */
final class EncryptedPopChallenge {

  private final EncryptedPop pop;
  private final TaggedRequest request;
  private final byte[] responseInfo;
  private final Optional<BigInteger> transactionId;

  private EncryptedPopChallenge(EncryptedPop pop, TaggedRequest request, byte[] responseInfo,
      Optional<BigInteger> transactionId) {
    this.pop = pop;
    this.request = request;
    this.responseInfo = responseInfo;
    this.transactionId = transactionId;
  }

  /**
   * @param ca when present, the response must be signed by it (ResponseSignatureCheck) before anything in it is
   *     used: otherwise whoever can change the file or the connection chooses what the requested key decrypts
   */
  static EncryptedPopChallenge read(Path file, Optional<X509Certificate> ca) {
    byte[] der = Pem.derOrBase64(LocalFiles.read(file, "round-1 response file"), file, "round-1 response file");
    CmcResponse response = CmcResponseParser.parse(der);
    ca.ifPresent(c -> ResponseSignatureCheck.verify(response, c));
    List<EncryptedPop> pops = response.encryptedPops();
    if (pops.size() != 1) {
      throw new CmcToolException("round-1 response " + file + " carries " + pops.size() + " encryptedPOP controls"
          + (pops.isEmpty() ? " (" + outcome(response) + "): it is not an EncryptedPOP challenge"
              : ": p11ca-cmc answers exactly one, as Dogtag's CMCRequest does"));
    }
    byte[] info = response.responseInfo().filter(i -> i.length > 0).orElseThrow(() -> new CmcToolException(
        "round-1 response " + file + " has an encryptedPOP but no responseInfo control: the request id to send back"
            + " in regInfo is unknown"));
    EncryptedPop pop = pops.get(0);
    TaggedRequest request = pop.parsedRequest();
    if (request instanceof TaggedRequest.Other other) {
      throw new CmcToolException("the encryptedPOP challenges an OtherReqMsgs request (" + other.type().getId()
          + "): p11ca-cmc resends only CRMF and PKCS#10 requests");
    }
    return new EncryptedPopChallenge(pop, request, info, response.transactionId());
  }

  /** "status FAILED, failInfo=bad request" for messages about a response that is not a challenge. */
  private static String outcome(CmcResponse response) {
    if (response.statuses().isEmpty()) {
      return "no status";
    }
    return response.statuses().stream().map(s -> s.status() == CmcStatus.SUCCESS ? "status SUCCESS"
        : "status " + s.status() + s.failInfo().map(f -> ", failInfo=" + FailInfoNames.of(f)).orElse(""))
        .collect(Collectors.joining("; "));
  }

  EncryptedPop pop() {
    return pop;
  }

  /** The request id for people: Dogtag's responseInfo is BigInteger.toByteArray of it. */
  BigInteger requestId() {
    return new BigInteger(responseInfo);
  }

  /** The round-1 response's transactionId, the echo of round 1's (RFC 5272 section 6.6: one per transaction). */
  Optional<BigInteger> transactionId() {
    return transactionId;
  }

  SubjectPublicKeyInfo requestedKey() {
    return request instanceof TaggedRequest.Crmf crmf ? crmf.msg().getCertReq().getCertTemplate().getPublicKey()
        : ((TaggedRequest.Pkcs10) request).csr().getSubjectPublicKeyInfo();
  }

  /**
   * Checks the key first, so a wrong key is named as such rather than as a padding failure; then decrypts, checks
   * the witness (RFC 5272 section 6.7: on a mismatch the client must not answer) and returns the proof.
   */
  byte[] proof(RequestKey key, SessionKeyDecryption decryption) {
    if (!key.publicKeyInfo().equals(requestedKey())) {
      throw new CmcToolException(SessionKeyDecryption.named(key) + " is not the key of the challenged request:"
          + " decrypt the challenge with the key the round-1 request asked a certificate for");
    }
    byte[] challenge = pop.challenge(decryption);
    try {
      return pop.proof(challenge);
    } finally {
      Arrays.fill(challenge, (byte) 0);
    }
  }

  /**
   * Round 2: decryptedPOP {bodyPartID of the request (Dogtag: always 1, its certReqId), thePOPAlgID copied from the
   * encryptedPOP, thePOP}, regInfo = the responseInfo octets, reqSequence = the challenged request.
   */
  CmcRequestBuilder roundTwo(CmcRequestBuilder builder, byte[] proof) {
    ASN1Encodable tagged;
    if (request instanceof TaggedRequest.Crmf crmf) {
      builder.crmf(crmf.msg());
      tagged = new DERTaggedObject(false, 1, crmf.msg());
    } else {
      TaggedRequest.Pkcs10 p10 = (TaggedRequest.Pkcs10) request;
      builder.pkcs10(p10.bodyPartId(), p10.csr());
      tagged = new DERTaggedObject(false, 0, new DERSequence(new ASN1Encodable[] {new ASN1Integer(
          p10.bodyPartId()), p10.csr().toASN1Structure()}));
    }
    // The CA MACs the request it stored, which it sent back; a request that does not re-encode to the same bytes
    // (not DER) would go out changed, and the CA would see another request than the one proved.
    if (!Arrays.equals(encoded(tagged), pop.request())) {
      throw new CmcToolException("the challenged request does not re-encode to the bytes the CA sent (it is not"
          + " DER): p11ca-cmc cannot send it back unchanged");
    }
    builder.control(CmcObjectIds.DECRYPTED_POP, new DERSequence(new ASN1Encodable[] {
        new ASN1Integer(request.bodyPartId()), pop.popAlgorithm(), new DEROctetString(proof)}));
    builder.control(CmcObjectIds.REG_INFO, new DEROctetString(responseInfo));
    return builder;
  }

  private static byte[] encoded(ASN1Encodable value) {
    try {
      return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory failed", e);
    }
  }
}
