package org.p11ca.client;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers exactly one TLS client certificate: the one the user named. The JDK's key managers pick among all
 * entries by issuer, which on a token with several keys could present a different identity than intended.
 */
final class FixedKeyManager extends X509ExtendedKeyManager {

  private final String alias;
  private final PrivateKey key;
  private final X509Certificate[] chain;

  FixedKeyManager(String alias, PrivateKey key, X509Certificate[] chain) {
    this.alias = alias;
    this.key = key;
    this.chain = chain.clone();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {alias};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return alias;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return alias;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String requested) {
    return alias.equals(requested) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String requested) {
    return alias.equals(requested) ? key : null;
  }
}
