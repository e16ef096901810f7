package org.p11ca.hsm;

/** What a generated or unwrapped key may be used for; each maps to CKA_SIGN, CKA_DECRYPT, ... on the right half. */
public enum KeyUsage {
  SIGN,
  DECRYPT,
  ENCRYPT,
  WRAP,
  UNWRAP,
  DERIVE
}
