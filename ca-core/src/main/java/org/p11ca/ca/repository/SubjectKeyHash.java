package org.p11ca.ca.repository;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** How the store names a key: SHA-256 of its DER SubjectPublicKeyInfo, lowercase hex (schema 7). */
public final class SubjectKeyHash {

  private SubjectKeyHash() {
  }

  public static String of(SubjectPublicKeyInfo key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded(ASN1Encoding.DER)));
    } catch (NoSuchAlgorithmException | java.io.IOException e) {
      throw new IllegalStateException("SHA-256 of a parsed key failed", e);
    }
  }
}
