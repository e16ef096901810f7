package org.p11ca.server.tls;

import java.security.KeyStore;
import java.security.cert.CRL;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Jetty's server-side TLS configuration for a key store already loaded, whatever holds its keys. */
public final class TlsContexts {

  private TlsContexts() {
  }

  /**
   * @param keyStore loaded; for the token, the SunPKCS11 KeyStore, whose private keys sign on the token
   * @param alias the one entry to serve: the token's KeyStore also lists the CA signing key (it has a certificate),
   *     which must never sign a TLS handshake
   * @param keyPassword empty for a PKCS#11 KeyStore (the token is logged in already)
   * @param askForClientCertificate TLS "want" client auth: ask, never demand, so that each endpoint decides
   */
  public static SslContextFactory.Server server(KeyStore keyStore, String alias, Optional<String> keyPassword,
      boolean askForClientCertificate) {
    SslContextFactory.Server tls = new SslContextFactory.Server() {
      @Override
      protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) {
        return new TrustManager[] {new AnyClientCertificateTrust()};
      }
    };
    tls.setKeyStore(keyStore);
    tls.setKeyStoreType(keyStore.getType());
    keyPassword.ifPresent(tls::setKeyManagerPassword);
    tls.setCertAlias(alias);
    tls.setWantClientAuth(askForClientCertificate);
    tls.setNeedClientAuth(false);
    // TLS 1.2 and 1.3 only (RFC 8996 deprecates 1.0 and 1.1); Jetty's default cipher exclusions stay in force.
    tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    return tls;
  }
}
