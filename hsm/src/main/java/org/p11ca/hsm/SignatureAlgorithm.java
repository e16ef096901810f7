package org.p11ca.hsm;

/** Signature schemes the token signs with. The hash is computed in software; the token signs the digest. */
public enum SignatureAlgorithm {
  RSA_PKCS1_SHA256(Scheme.RSA_PKCS1, HashAlgorithm.SHA256, "SHA256withRSA"),
  RSA_PKCS1_SHA384(Scheme.RSA_PKCS1, HashAlgorithm.SHA384, "SHA384withRSA"),
  RSA_PKCS1_SHA512(Scheme.RSA_PKCS1, HashAlgorithm.SHA512, "SHA512withRSA"),
  RSA_PSS_SHA256(Scheme.RSA_PSS, HashAlgorithm.SHA256, "SHA256withRSAandMGF1"),
  RSA_PSS_SHA384(Scheme.RSA_PSS, HashAlgorithm.SHA384, "SHA384withRSAandMGF1"),
  RSA_PSS_SHA512(Scheme.RSA_PSS, HashAlgorithm.SHA512, "SHA512withRSAandMGF1"),
  ECDSA_SHA256(Scheme.ECDSA, HashAlgorithm.SHA256, "SHA256withECDSA"),
  ECDSA_SHA384(Scheme.ECDSA, HashAlgorithm.SHA384, "SHA384withECDSA"),
  ECDSA_SHA512(Scheme.ECDSA, HashAlgorithm.SHA512, "SHA512withECDSA");

  public enum Scheme { RSA_PKCS1, RSA_PSS, ECDSA }

  private final Scheme scheme;
  private final HashAlgorithm hash;
  private final String jcaName;

  SignatureAlgorithm(Scheme scheme, HashAlgorithm hash, String jcaName) {
    this.scheme = scheme;
    this.hash = hash;
    this.jcaName = jcaName;
  }

  public Scheme scheme() {
    return scheme;
  }

  public HashAlgorithm hash() {
    return hash;
  }

  /** The name Bouncy Castle's and the JDK's algorithm finders know (PSS with MGF1 on the same hash, salt = hash). */
  public String jcaName() {
    return jcaName;
  }

  public KeyType keyType() {
    return scheme == Scheme.ECDSA ? KeyType.EC : KeyType.RSA;
  }

  /** The usual choice for a key: SHA-256 for RSA and P-256, SHA-384 for P-384 (matching strength). */
  public static SignatureAlgorithm defaultFor(KeyHandle key) {
    if (key.keyType() == KeyType.EC) {
      return key.sizeBits() > 256 ? ECDSA_SHA384 : ECDSA_SHA256;
    }
    return RSA_PKCS1_SHA256;
  }

  public static SignatureAlgorithm parse(String name) {
    String n = name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    for (SignatureAlgorithm a : values()) {
      if (a.name().equals(n) || a.jcaName.equalsIgnoreCase(name.trim())) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown signature algorithm '" + name + "'");
  }
}
