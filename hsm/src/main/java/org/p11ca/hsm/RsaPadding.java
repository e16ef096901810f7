package org.p11ca.hsm;

/** RSA encryption paddings for decrypt, wrap and unwrap with an RSA key. */
public sealed interface RsaPadding {

  /** RSAES-PKCS1-v1_5. Kept for Dogtag clients, which send session keys this way by default. */
  record Pkcs1v15() implements RsaPadding {
  }

  /** RSAES-OAEP with an empty label (RFC 8017 section 7.1). */
  record Oaep(HashAlgorithm hash, HashAlgorithm mgfHash) implements RsaPadding {
  }

  static RsaPadding pkcs1v15() {
    return new Pkcs1v15();
  }

  static RsaPadding oaep(HashAlgorithm hash) {
    return new Oaep(hash, hash);
  }
}
