package org.p11ca.ca.cmc;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A parsed CMC response: a Full PKI Response (signed PKIResponse) or a Simple PKI Response (certs-only, so no
 * signature and no controls). Checking the signature and the nonces is up to the caller.
 */
public record CmcResponse(Optional<CmcSignature> signature, List<Control> controls, List<CmcStatusInfo> statuses,
    Optional<byte[]> recipientNonce, Optional<byte[]> senderNonce, Optional<BigInteger> transactionId,
    List<X509CertificateHolder> certificates) {

  public CmcResponse {
    Objects.requireNonNull(signature);
    controls = List.copyOf(controls);
    statuses = List.copyOf(statuses);
    recipientNonce = recipientNonce.map(byte[]::clone);
    senderNonce = senderNonce.map(byte[]::clone);
    Objects.requireNonNull(transactionId);
    certificates = List.copyOf(certificates);
  }

  @Override
  public Optional<byte[]> recipientNonce() {
    return recipientNonce.map(byte[]::clone);
  }

  @Override
  public Optional<byte[]> senderNonce() {
    return senderNonce.map(byte[]::clone);
  }

  /** The status that names {@code bodyPartId} in its bodyList, if any. */
  public Optional<CmcStatusInfo> statusOf(int bodyPartId) {
    return statuses.stream().filter(s -> s.bodyList().contains(bodyPartId)).findFirst();
  }

  /** The encryptedPOP challenges (RFC 5272 section 6.7) of a round-1 response. */
  public List<EncryptedPop> encryptedPops() {
    return new KnownControls(controls).all(CmcObjectIds.ENCRYPTED_POP, "encryptedPOP", EncryptedPop::decode);
  }

  /** responseInfo (RFC 5272 section 6.12): for a challenge, the request id to send back in regInfo. */
  public Optional<byte[]> responseInfo() {
    return new KnownControls(controls).octets(CmcObjectIds.RESPONSE_INFO, "responseInfo");
  }

  public boolean isSimple() {
    return signature.isEmpty();
  }
}
