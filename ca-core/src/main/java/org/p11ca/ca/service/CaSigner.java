package org.p11ca.ca.service;

import java.util.List;
import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;

/**
 * The CA signing key on its token and the certificates that go with it. It signs certificates and CMC responses;
 * the key never leaves the token.
 *
 * @param chain the CA certificate first, then its issuers up to (and including) the root; a root CA has one
 */
public record CaSigner(Token token, KeyHandle key, SignatureAlgorithm algorithm, List<X509CertificateHolder> chain) {

  public CaSigner {
    Objects.requireNonNull(token);
    Objects.requireNonNull(key);
    Objects.requireNonNull(algorithm);
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the CA chain needs at least the CA certificate");
    }
  }

  public X509CertificateHolder certificate() {
    return chain.get(0);
  }

  /** A fresh ContentSigner (they are single use) signing on the token. */
  public TokenContentSigner contentSigner() {
    return new TokenContentSigner(token, key, algorithm);
  }
}
