package org.p11ca.ca.cmc;

import java.util.Objects;
import java.util.Optional;

/**
 * A parsed Full PKI Request (RFC 5272 section 3.2). {@code signature} is empty for Dogtag's unsigned shared-secret
 * revocation (ContentInfo id-data). {@code encodedPkiData} is the eContent exactly as received.
 */
public record CmcRequest(Optional<CmcSignature> signature, PkiData pkiData, byte[] encodedPkiData) {

  public CmcRequest {
    Objects.requireNonNull(signature);
    Objects.requireNonNull(pkiData);
    encodedPkiData = encodedPkiData.clone();
  }

  @Override
  public byte[] encodedPkiData() {
    return encodedPkiData.clone();
  }
}
