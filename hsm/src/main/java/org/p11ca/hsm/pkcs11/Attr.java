package org.p11ca.hsm.pkcs11;

import java.math.BigInteger;

/**
 * One attribute of a template or a read-back: the value is a Boolean, Long, byte[], String (labels, UTF-8 on the
 * wire) or BigInteger (big-endian unsigned on the wire).
 */
public record Attr(long type, Object value) {

  public Attr {
    if (!(value instanceof Boolean || value instanceof Long || value instanceof byte[] || value instanceof String
        || value instanceof BigInteger)) {
      throw new IllegalArgumentException("unsupported attribute value type " + value.getClass());
    }
  }

  public static Attr of(long type, boolean value) {
    return new Attr(type, value);
  }

  public static Attr of(long type, long value) {
    return new Attr(type, value);
  }

  public static Attr of(long type, byte[] value) {
    return new Attr(type, value.clone());
  }

  public static Attr of(long type, String value) {
    return new Attr(type, value);
  }

  public static Attr of(long type, BigInteger value) {
    return new Attr(type, value);
  }

  /** The attribute types whose values are labels (UTF-8 text). */
  public static boolean isText(long type) {
    return type == Pkcs11Constants.CKA_LABEL;
  }

  /** The attribute types whose values are big integers. */
  public static boolean isBigInteger(long type) {
    return type == Pkcs11Constants.CKA_MODULUS || type == Pkcs11Constants.CKA_PUBLIC_EXPONENT;
  }

  /** The attribute types whose values are CK_BBOOL. */
  public static boolean isBoolean(long type) {
    return type == Pkcs11Constants.CKA_TOKEN || type == Pkcs11Constants.CKA_PRIVATE
        || (type >= Pkcs11Constants.CKA_SENSITIVE && type <= Pkcs11Constants.CKA_DERIVE)
        || (type >= Pkcs11Constants.CKA_EXTRACTABLE && type <= Pkcs11Constants.CKA_ALWAYS_SENSITIVE);
  }

  /** The attribute types whose values are CK_ULONG. */
  public static boolean isLong(long type) {
    return type == Pkcs11Constants.CKA_CLASS || type == Pkcs11Constants.CKA_KEY_TYPE
        || type == Pkcs11Constants.CKA_CERTIFICATE_TYPE || type == Pkcs11Constants.CKA_MODULUS_BITS
        || type == Pkcs11Constants.CKA_VALUE_LEN;
  }
}
