package org.p11ca.client;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Who signs a CMC request: a key, the certificate the SignerInfo names (issuerAndSerialNumber) and the
 * certificates SignedData carries (the signer's first, then its chain). Closing releases the key's token.
 */
record CmcSigner(RequestKey key, X509CertificateHolder certificate, List<X509CertificateHolder> certificates)
    implements AutoCloseable {

  CmcSigner {
    certificates = List.copyOf(certificates);
  }

  /**
   * Checks that the certificate is the key's before anything is signed: a mismatch would give a request no CA can
   * verify, found only at the server.
   */
  static CmcSigner of(RequestKey key, X509Certificate certificate, List<X509Certificate> chain) {
    if (!Arrays.equals(certificate.getPublicKey().getEncoded(), key.publicKey().getEncoded())) {
      throw new CmcToolException("the signer certificate '" + certificate.getSubjectX500Principal().getName()
          + "' is not the certificate of the key in " + key.describe());
    }
    List<X509CertificateHolder> all = new ArrayList<>();
    all.add(Certificates.holder(certificate));
    for (X509Certificate c : chain) {
      X509CertificateHolder h = Certificates.holder(c);
      if (!all.contains(h)) {
        all.add(h);
      }
    }
    return new CmcSigner(key, all.get(0), all);
  }

  @Override
  public void close() {
    key.close();
  }
}
