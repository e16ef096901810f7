package org.p11ca.hsm.pkcs11;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/**
 * The PKCS#11 2.40 constants this layer uses, with the standard values, so the core does not depend on either
 * binding's constant classes.
 */
public final class Pkcs11Constants {
  private Pkcs11Constants() {
  }

  public static final long CKU_SO = 0;
  public static final long CKU_USER = 1;

  public static final long CKF_RW_SESSION = 0x2;
  public static final long CKF_SERIAL_SESSION = 0x4;
  public static final long CKF_TOKEN_INITIALIZED = 0x400;
  public static final long CKF_LOGIN_REQUIRED = 0x4;
  public static final long CKF_TOKEN_PRESENT = 0x1;
  public static final long CKF_ENCRYPT = 0x100;
  public static final long CKF_DECRYPT = 0x200;
  public static final long CKF_WRAP = 0x20000;
  public static final long CKF_UNWRAP = 0x40000;

  public static final long CKO_CERTIFICATE = 1;
  public static final long CKO_PUBLIC_KEY = 2;
  public static final long CKO_PRIVATE_KEY = 3;
  public static final long CKO_SECRET_KEY = 4;

  public static final long CKK_RSA = 0;
  public static final long CKK_EC = 3;
  public static final long CKK_GENERIC_SECRET = 0x10;
  public static final long CKK_AES = 0x1F;

  public static final long CKC_X_509 = 0;

  public static final long CKA_CLASS = 0x0;
  public static final long CKA_TOKEN = 0x1;
  public static final long CKA_PRIVATE = 0x2;
  public static final long CKA_LABEL = 0x3;
  public static final long CKA_VALUE = 0x11;
  public static final long CKA_CERTIFICATE_TYPE = 0x80;
  public static final long CKA_ISSUER = 0x81;
  public static final long CKA_SERIAL_NUMBER = 0x82;
  public static final long CKA_KEY_TYPE = 0x100;
  public static final long CKA_SUBJECT = 0x101;
  public static final long CKA_ID = 0x102;
  public static final long CKA_SENSITIVE = 0x103;
  public static final long CKA_ENCRYPT = 0x104;
  public static final long CKA_DECRYPT = 0x105;
  public static final long CKA_WRAP = 0x106;
  public static final long CKA_UNWRAP = 0x107;
  public static final long CKA_SIGN = 0x108;
  public static final long CKA_VERIFY = 0x10A;
  public static final long CKA_DERIVE = 0x10C;
  public static final long CKA_MODULUS = 0x120;
  public static final long CKA_MODULUS_BITS = 0x121;
  public static final long CKA_PUBLIC_EXPONENT = 0x122;
  public static final long CKA_VALUE_LEN = 0x161;
  public static final long CKA_EXTRACTABLE = 0x162;
  public static final long CKA_LOCAL = 0x163;
  public static final long CKA_NEVER_EXTRACTABLE = 0x164;
  public static final long CKA_ALWAYS_SENSITIVE = 0x165;
  public static final long CKA_EC_PARAMS = 0x180;
  public static final long CKA_EC_POINT = 0x181;

  public static final long CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0;
  public static final long CKM_RSA_PKCS = 0x1;
  public static final long CKM_RSA_PKCS_OAEP = 0x9;
  public static final long CKM_RSA_PKCS_PSS = 0xD;
  public static final long CKM_SHA_1 = 0x220;
  public static final long CKM_SHA256 = 0x250;
  public static final long CKM_SHA384 = 0x260;
  public static final long CKM_SHA512 = 0x270;
  public static final long CKM_EC_KEY_PAIR_GEN = 0x1040;
  public static final long CKM_ECDSA = 0x1041;
  public static final long CKM_ECDH1_DERIVE = 0x1050;
  public static final long CKM_AES_KEY_GEN = 0x1080;
  public static final long CKM_AES_CBC = 0x1082;
  public static final long CKM_AES_CBC_PAD = 0x1085;
  public static final long CKM_AES_GCM = 0x1087;
  public static final long CKM_AES_KEY_WRAP = 0x2109;
  public static final long CKM_AES_KEY_WRAP_PAD = 0x210A;

  public static final long CKG_MGF1_SHA1 = 0x1;
  public static final long CKG_MGF1_SHA256 = 0x2;
  public static final long CKG_MGF1_SHA384 = 0x3;
  public static final long CKG_MGF1_SHA512 = 0x4;

  public static final long CKZ_DATA_SPECIFIED = 0x1;

  public static final long CKD_NULL = 0x1;

  public static final long CKR_OK = 0x0;
  public static final long CKR_SLOT_ID_INVALID = 0x3;
  public static final long CKR_GENERAL_ERROR = 0x5;
  public static final long CKR_FUNCTION_FAILED = 0x6;
  public static final long CKR_ARGUMENTS_BAD = 0x7;
  public static final long CKR_ATTRIBUTE_READ_ONLY = 0x10;
  public static final long CKR_ATTRIBUTE_SENSITIVE = 0x11;
  public static final long CKR_ATTRIBUTE_TYPE_INVALID = 0x12;
  public static final long CKR_ATTRIBUTE_VALUE_INVALID = 0x13;
  public static final long CKR_DATA_INVALID = 0x20;
  public static final long CKR_DATA_LEN_RANGE = 0x21;
  public static final long CKR_DEVICE_ERROR = 0x30;
  public static final long CKR_DEVICE_MEMORY = 0x31;
  public static final long CKR_DEVICE_REMOVED = 0x32;
  public static final long CKR_ENCRYPTED_DATA_INVALID = 0x40;
  public static final long CKR_ENCRYPTED_DATA_LEN_RANGE = 0x41;
  public static final long CKR_FUNCTION_NOT_SUPPORTED = 0x54;
  public static final long CKR_KEY_HANDLE_INVALID = 0x60;
  public static final long CKR_KEY_SIZE_RANGE = 0x62;
  public static final long CKR_KEY_TYPE_INCONSISTENT = 0x63;
  public static final long CKR_KEY_INDIGESTIBLE = 0x67;
  public static final long CKR_KEY_FUNCTION_NOT_PERMITTED = 0x68;
  public static final long CKR_KEY_NOT_WRAPPABLE = 0x69;
  public static final long CKR_KEY_UNEXTRACTABLE = 0x6A;
  public static final long CKR_MECHANISM_INVALID = 0x70;
  public static final long CKR_MECHANISM_PARAM_INVALID = 0x71;
  public static final long CKR_OBJECT_HANDLE_INVALID = 0x82;
  public static final long CKR_OPERATION_ACTIVE = 0x90;
  public static final long CKR_OPERATION_NOT_INITIALIZED = 0x91;
  public static final long CKR_PIN_INCORRECT = 0xA0;
  public static final long CKR_PIN_INVALID = 0xA1;
  public static final long CKR_PIN_LEN_RANGE = 0xA2;
  public static final long CKR_PIN_EXPIRED = 0xA3;
  public static final long CKR_PIN_LOCKED = 0xA4;
  public static final long CKR_SESSION_CLOSED = 0xB0;
  public static final long CKR_SESSION_COUNT = 0xB1;
  public static final long CKR_SESSION_HANDLE_INVALID = 0xB3;
  public static final long CKR_SESSION_READ_ONLY = 0xB5;
  public static final long CKR_SIGNATURE_INVALID = 0xC0;
  public static final long CKR_TEMPLATE_INCOMPLETE = 0xD0;
  public static final long CKR_TEMPLATE_INCONSISTENT = 0xD1;
  public static final long CKR_TOKEN_NOT_PRESENT = 0xE0;
  public static final long CKR_TOKEN_NOT_RECOGNIZED = 0xE1;
  public static final long CKR_TOKEN_WRITE_PROTECTED = 0xE2;
  public static final long CKR_UNWRAPPING_KEY_HANDLE_INVALID = 0xF0;
  public static final long CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT = 0xF2;
  public static final long CKR_USER_ALREADY_LOGGED_IN = 0x100;
  public static final long CKR_USER_NOT_LOGGED_IN = 0x101;
  public static final long CKR_USER_PIN_NOT_INITIALIZED = 0x102;
  public static final long CKR_USER_TYPE_INVALID = 0x103;
  public static final long CKR_WRAPPED_KEY_INVALID = 0x110;
  public static final long CKR_WRAPPED_KEY_LEN_RANGE = 0x112;
  public static final long CKR_WRAPPING_KEY_HANDLE_INVALID = 0x113;
  public static final long CKR_WRAPPING_KEY_TYPE_INCONSISTENT = 0x115;
  public static final long CKR_BUFFER_TOO_SMALL = 0x150;
  public static final long CKR_CRYPTOKI_NOT_INITIALIZED = 0x190;
  public static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;

  private static final Map<String, Map<Long, String>> NAMES = new HashMap<>();

  static {
    for (Field f : Pkcs11Constants.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == long.class) {
        String prefix = f.getName().substring(0, f.getName().indexOf('_'));
        try {
          NAMES.computeIfAbsent(prefix, p -> new HashMap<>()).putIfAbsent(f.getLong(null), f.getName());
        } catch (IllegalAccessException e) {
          throw new ExceptionInInitializerError(e);
        }
      }
    }
  }

  /** "CKR_PIN_INCORRECT" for (CKR, 0xA0); the hex value for codes this class does not name. */
  public static String name(String prefix, long value) {
    String n = NAMES.getOrDefault(prefix, Map.of()).get(value);
    return n != null ? n : prefix + "_0x" + Long.toHexString(value).toUpperCase(java.util.Locale.ROOT);
  }

  /** The value of a named mechanism, for configuration that disables mechanisms by name. */
  public static java.util.OptionalLong mechanism(String name) {
    for (var e : NAMES.getOrDefault("CKM", Map.of()).entrySet()) {
      if (e.getValue().equalsIgnoreCase(name.trim())) {
        return java.util.OptionalLong.of(e.getKey());
      }
    }
    return java.util.OptionalLong.empty();
  }
}
