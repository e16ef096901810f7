package org.p11ca.server.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server's trust manager for client certificates: it accepts any certificate chain the client presents, and
 * trusts no server (the server never connects out).
 *
 * <p>Why accept everything at the TLS layer: whether a certificate is acceptable is the CA's decision, not the
 * handshake's. The CA core checks the client certificate against its own repository (issued here, valid now, not
 * revoked) and binds it to the CMC signer, and it answers a bad one with a signed CMC failure and an AUTH_FAILURE
 * audit event. A TLS alert instead would leave the client with a bare handshake error, no audit record of why, and
 * revocation could only be checked by CRL files the JDK reads at start-up. Nothing trusts the certificate because
 * the handshake accepted it: it only reaches the CA as "what the client presented" ({@code Caller}), and the JSSE
 * still verifies the client's CertificateVerify signature, so the client does hold the certificate's private key.
 *
 * <p>{@link #getAcceptedIssuers()} is empty so the CertificateRequest names no CAs, and clients offer whatever
 * certificate they have (a non-empty list makes Java and NSS clients silently send none if theirs is foreign, which
 * would turn "certificate from another CA" into "no certificate").
 */
public final class AnyClientCertificateTrust extends X509ExtendedTrustManager {

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    requirePresent(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    requirePresent(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    requirePresent(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only judges TLS clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager only judges TLS clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager only judges TLS clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private static void requirePresent(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("empty client certificate chain");
    }
  }
}
