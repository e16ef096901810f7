package org.p11ca.hsm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Hashes used inside signature and OAEP mechanisms. */
public enum HashAlgorithm {
  SHA1("SHA-1", 20, "1.3.14.3.2.26"),
  SHA256("SHA-256", 32, "2.16.840.1.101.3.4.2.1"),
  SHA384("SHA-384", 48, "2.16.840.1.101.3.4.2.2"),
  SHA512("SHA-512", 64, "2.16.840.1.101.3.4.2.3");

  private final String jcaName;
  private final int length;
  private final String oid;

  HashAlgorithm(String jcaName, int length, String oid) {
    this.jcaName = jcaName;
    this.length = length;
    this.oid = oid;
  }

  public String jcaName() {
    return jcaName;
  }

  public int length() {
    return length;
  }

  public String oid() {
    return oid;
  }

  /** Hashing is public computation: done here, so the token only sees fixed-size digests. */
  public byte[] digest(byte[] data) {
    try {
      return MessageDigest.getInstance(jcaName).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jcaName + " missing from the JDK", e);
    }
  }
}
