package org.p11ca.hsm;

/** Key algorithms this layer handles; OTHER for objects it only lists. */
public enum KeyType {
  RSA,
  EC,
  AES,
  GENERIC_SECRET,
  OTHER,
  /** Certificates have no key type. */
  NONE
}
