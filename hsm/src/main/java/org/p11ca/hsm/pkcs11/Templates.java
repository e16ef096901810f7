package org.p11ca.hsm.pkcs11;

import static org.p11ca.hsm.pkcs11.Pkcs11Constants.*;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;

/**
 * Attribute templates for objects this layer creates. The security-relevant defaults live here and nowhere else:
 * private and secret keys are CKA_PRIVATE and CKA_SENSITIVE, and CKA_EXTRACTABLE only when asked for by name.
 */
final class Templates {
  private Templates() {
  }

  static final BigInteger RSA_PUBLIC_EXPONENT = BigInteger.valueOf(65537);

  static List<Attr> secretKey(long keyType, KeyAttributes a) {
    List<Attr> t = new ArrayList<>();
    t.add(Attr.of(CKA_CLASS, CKO_SECRET_KEY));
    t.add(Attr.of(CKA_KEY_TYPE, keyType));
    protectedKey(t, a);
    t.add(Attr.of(CKA_ENCRYPT, a.has(KeyUsage.ENCRYPT)));
    t.add(Attr.of(CKA_DECRYPT, a.has(KeyUsage.DECRYPT)));
    t.add(Attr.of(CKA_WRAP, a.has(KeyUsage.WRAP)));
    t.add(Attr.of(CKA_UNWRAP, a.has(KeyUsage.UNWRAP)));
    t.add(Attr.of(CKA_SIGN, a.has(KeyUsage.SIGN)));
    t.add(Attr.of(CKA_VERIFY, a.has(KeyUsage.SIGN)));
    t.add(Attr.of(CKA_DERIVE, a.has(KeyUsage.DERIVE)));
    return t;
  }

  static List<Attr> aesKeyGeneration(int bits, KeyAttributes a) {
    List<Attr> t = secretKey(CKK_AES, a);
    t.add(Attr.of(CKA_VALUE_LEN, (long) (bits / 8)));
    return t;
  }

  static List<Attr> privateKey(long keyType, KeyAttributes a) {
    List<Attr> t = new ArrayList<>();
    t.add(Attr.of(CKA_CLASS, CKO_PRIVATE_KEY));
    t.add(Attr.of(CKA_KEY_TYPE, keyType));
    protectedKey(t, a);
    t.add(Attr.of(CKA_SIGN, a.has(KeyUsage.SIGN)));
    t.add(Attr.of(CKA_DECRYPT, a.has(KeyUsage.DECRYPT)));
    t.add(Attr.of(CKA_UNWRAP, a.has(KeyUsage.UNWRAP)));
    t.add(Attr.of(CKA_DERIVE, a.has(KeyUsage.DERIVE)));
    return t;
  }

  static List<Attr> publicKeyHalf(long keyType, KeyAttributes a) {
    List<Attr> t = new ArrayList<>();
    t.add(Attr.of(CKA_CLASS, CKO_PUBLIC_KEY));
    t.add(Attr.of(CKA_KEY_TYPE, keyType));
    t.add(Attr.of(CKA_TOKEN, a.persistent()));
    t.add(Attr.of(CKA_PRIVATE, false));
    a.label().ifPresent(l -> t.add(Attr.of(CKA_LABEL, l)));
    a.id().ifPresent(i -> t.add(Attr.of(CKA_ID, i.bytes())));
    // Every usage is set, true or false: left out, a token applies its own defaults (SoftHSM makes EC public keys
    // encrypt and wrap keys).
    t.add(Attr.of(CKA_VERIFY, a.has(KeyUsage.SIGN)));
    t.add(Attr.of(CKA_ENCRYPT, keyType == CKK_RSA && a.has(KeyUsage.DECRYPT)));
    t.add(Attr.of(CKA_WRAP, keyType == CKK_RSA && a.has(KeyUsage.UNWRAP)));
    t.add(Attr.of(CKA_DERIVE, false));
    return t;
  }

  /**
   * A public key object created from outside key material: each usage it can have is set true or false from the
   * caller's, as for generated halves; the caller adds CKA_MODULUS/CKA_PUBLIC_EXPONENT or CKA_EC_PARAMS/CKA_EC_POINT.
   */
  static List<Attr> importedPublicKey(long keyType, KeyAttributes a) {
    List<Attr> t = new ArrayList<>();
    t.add(Attr.of(CKA_CLASS, CKO_PUBLIC_KEY));
    t.add(Attr.of(CKA_KEY_TYPE, keyType));
    t.add(Attr.of(CKA_TOKEN, a.persistent()));
    t.add(Attr.of(CKA_PRIVATE, false));
    a.label().ifPresent(l -> t.add(Attr.of(CKA_LABEL, l)));
    a.id().ifPresent(i -> t.add(Attr.of(CKA_ID, i.bytes())));
    t.add(Attr.of(CKA_VERIFY, a.has(KeyUsage.SIGN)));
    t.add(Attr.of(CKA_ENCRYPT, a.has(KeyUsage.ENCRYPT)));
    t.add(Attr.of(CKA_WRAP, a.has(KeyUsage.WRAP)));
    t.add(Attr.of(CKA_DERIVE, a.has(KeyUsage.DERIVE)));
    return t;
  }

  static List<Attr> keyPairPublic(KeyPairSpec spec, KeyAttributes a) {
    if (spec instanceof KeyPairSpec.Rsa rsa) {
      List<Attr> t = publicKeyHalf(CKK_RSA, a);
      t.add(Attr.of(CKA_MODULUS_BITS, (long) rsa.modulusBits()));
      t.add(Attr.of(CKA_PUBLIC_EXPONENT, RSA_PUBLIC_EXPONENT));
      return t;
    }
    KeyPairSpec.Ec ec = (KeyPairSpec.Ec) spec;
    List<Attr> t = publicKeyHalf(CKK_EC, a);
    t.add(Attr.of(CKA_EC_PARAMS, ec.curve().ecParams()));
    return t;
  }

  static List<Attr> keyPairPrivate(KeyPairSpec spec, KeyAttributes a) {
    return privateKey(spec instanceof KeyPairSpec.Rsa ? CKK_RSA : CKK_EC, a);
  }

  private static void protectedKey(List<Attr> t, KeyAttributes a) {
    t.add(Attr.of(CKA_TOKEN, a.persistent()));
    t.add(Attr.of(CKA_PRIVATE, true));
    t.add(Attr.of(CKA_SENSITIVE, true));
    t.add(Attr.of(CKA_EXTRACTABLE, a.extractable()));
    a.label().ifPresent(l -> t.add(Attr.of(CKA_LABEL, l)));
    a.id().ifPresent(i -> t.add(Attr.of(CKA_ID, i.bytes())));
  }

  static long objectClassCode(ObjectClass c) {
    return switch (c) {
      case PRIVATE_KEY -> CKO_PRIVATE_KEY;
      case PUBLIC_KEY -> CKO_PUBLIC_KEY;
      case SECRET_KEY -> CKO_SECRET_KEY;
      case CERTIFICATE -> CKO_CERTIFICATE;
      case OTHER -> throw new IllegalArgumentException("cannot search for class OTHER");
    };
  }

  static ObjectClass objectClass(Long code) {
    if (code == null) {
      return ObjectClass.OTHER;
    }
    if (code == CKO_PRIVATE_KEY) {
      return ObjectClass.PRIVATE_KEY;
    } else if (code == CKO_PUBLIC_KEY) {
      return ObjectClass.PUBLIC_KEY;
    } else if (code == CKO_SECRET_KEY) {
      return ObjectClass.SECRET_KEY;
    } else if (code == CKO_CERTIFICATE) {
      return ObjectClass.CERTIFICATE;
    }
    return ObjectClass.OTHER;
  }

  static long keyTypeCode(KeyType t) {
    return switch (t) {
      case RSA -> CKK_RSA;
      case EC -> CKK_EC;
      case AES -> CKK_AES;
      case GENERIC_SECRET -> CKK_GENERIC_SECRET;
      case OTHER, NONE -> throw new IllegalArgumentException("no PKCS#11 key type for " + t);
    };
  }

  static KeyType keyType(Long code) {
    if (code == null) {
      return KeyType.NONE;
    }
    if (code == CKK_RSA) {
      return KeyType.RSA;
    } else if (code == CKK_EC) {
      return KeyType.EC;
    } else if (code == CKK_AES) {
      return KeyType.AES;
    } else if (code == CKK_GENERIC_SECRET) {
      return KeyType.GENERIC_SECRET;
    }
    return KeyType.OTHER;
  }
}
