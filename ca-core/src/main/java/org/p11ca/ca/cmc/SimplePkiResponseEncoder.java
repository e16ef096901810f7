package org.p11ca.ca.cmc;

import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * The Simple PKI Response (RFC 5272 section 4.1): a certs-only SignedData holding the issued certificate and the
 * CA chain, the answer to a Simple PKI Request (Dogtag's profileSubmitCMCSimple). It is unsigned by design: the
 * client checks the certificate, not the envelope.
 */
public final class SimplePkiResponseEncoder {

  private SimplePkiResponseEncoder() {
  }

  /** @param certificates the issued certificate first, then the CA chain */
  public static byte[] encode(List<X509CertificateHolder> certificates) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("a Simple PKI Response carries at least the issued certificate");
    }
    return CmsResponseSigner.certsOnly(List.copyOf(certificates));
  }
}
