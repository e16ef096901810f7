package org.p11ca.ca.service;

import java.util.Objects;
import org.p11ca.ca.cmc.CmcStatus;

/**
 * The CA's answer to a {@link CmcSubmission}, for the transport to send as it is. A request that could be read gets
 * a CMC response (success or a signed failure); one that is not a CMC request at all gets {@link Unreadable}, which
 * the server answers with HTTP 400 and the reason.
 */
public sealed interface CmcReply {

  /** The RFC 5273 media type of a Full PKI Response. */
  String CMC_RESPONSE_MEDIA_TYPE = "application/pkcs7-mime; smime-type=CMC-response";

  /** The RFC 5273 media type of a Simple PKI Response (certs-only). */
  String CERTS_ONLY_MEDIA_TYPE = "application/pkcs7-mime; smime-type=certs-only";

  /**
   * @param der the ContentInfo to send
   * @param mediaType {@link #CMC_RESPONSE_MEDIA_TYPE} or {@link #CERTS_ONLY_MEDIA_TYPE}
   * @param status the overall outcome, for the transport's own log line
   */
  record Response(byte[] der, String mediaType, CmcStatus status) implements CmcReply {
    public Response {
      der = der.clone();
      Objects.requireNonNull(mediaType);
      Objects.requireNonNull(status);
    }

    @Override
    public byte[] der() {
      return der.clone();
    }
  }

  /**
   * The CA itself cannot answer now (token, database or audit log failing): HTTP 503 with the reason, the cause in
   * the CA's log. Nothing was signed for a request whose row is still PENDING.
   */
  record Unavailable(String reason) implements CmcReply {
    public Unavailable {
      Objects.requireNonNull(reason);
    }
  }

  /** Not a CMC request (bad DER, truncated, wrong content type): nothing to answer in CMC, so HTTP 400. */
  record Unreadable(String reason) implements CmcReply {
    public Unreadable {
      Objects.requireNonNull(reason);
    }
  }
}
