package org.p11ca.hsm.pkcs11;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.p11ca.hsm.HsmException;

/** Converts between PKCS#11 public key attributes and JCA public keys. Public data only. */
final class PublicKeys {
  private PublicKeys() {
  }

  static PublicKey rsa(BigInteger modulus, BigInteger exponent) {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
    } catch (GeneralSecurityException e) {
      throw new HsmException(HsmException.Reason.OPERATION_FAILED, "token returned an unusable RSA public key", e);
    }
  }

  /**
   * CKA_EC_POINT is DER OCTET STRING around the uncompressed point per PKCS#11 2.40; some tokens return the raw
   * point. Both are accepted.
   */
  static PublicKey ec(byte[] ecParams, byte[] ecPoint) {
    try {
      byte[] point = unwrapOctetString(ecPoint);
      ASN1ObjectIdentifier curve = (ASN1ObjectIdentifier) ASN1Primitive.fromByteArray(ecParams);
      SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(
          new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), point);
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new HsmException(HsmException.Reason.OPERATION_FAILED, "token returned an unusable EC public key", e);
    }
  }

  /** The DER OCTET STRING's contents when the value is exactly one, else the value itself (a raw point). */
  private static byte[] unwrapOctetString(byte[] value) {
    if (value.length < 2 || value[0] != 0x04) {
      return value;
    }
    try {
      byte[] inner = ASN1OctetString.getInstance(value).getOctets();
      // A raw uncompressed point also starts with 0x04; it parses as DER only by accident, and then not whole.
      return inner.length > 0 && inner[0] == 0x04 ? inner : value;
    } catch (IllegalArgumentException e) {
      return value;
    }
  }

  /** The subjectPublicKey BIT STRING contents: what RFC 5280's method 1 key identifier hashes. */
  static byte[] subjectPublicKeyBits(PublicKey key) {
    return SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
  }

  static byte[] ecParams(ECPublicKey key) {
    try {
      return SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters().toASN1Primitive()
          .getEncoded();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode EC parameters", e);
    }
  }

  static byte[] ecPointAttribute(ECPublicKey key) {
    try {
      return new DEROctetString(subjectPublicKeyBits(key)).getEncoded();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode EC point", e);
    }
  }

  static boolean isRsa(PublicKey key) {
    return key instanceof RSAPublicKey;
  }
}
