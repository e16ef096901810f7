package org.p11ca.hsm;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** A CKA_ID value: the bytes that tie a private key to its public key and certificate. Compared by content. */
public final class ObjectId {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] bytes;

  private ObjectId(byte[] bytes) {
    this.bytes = bytes;
  }

  public static ObjectId of(byte[] bytes) {
    return new ObjectId(bytes.clone());
  }

  /** Parses hex, with or without a 0x prefix or colons. */
  public static ObjectId parseHex(String hex) {
    String clean = hex.trim().replace(":", "");
    if (clean.startsWith("0x") || clean.startsWith("0X")) {
      clean = clean.substring(2);
    }
    try {
      return new ObjectId(HexFormat.of().parseHex(clean));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex CKA_ID: '" + hex + "'");
    }
  }

  public static ObjectId random(int length) {
    byte[] b = new byte[length];
    RANDOM.nextBytes(b);
    return new ObjectId(b);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
