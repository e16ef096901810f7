package org.p11ca.hsm;

/** The PKCS#11 object classes this layer deals in. */
public enum ObjectClass {
  PRIVATE_KEY,
  PUBLIC_KEY,
  SECRET_KEY,
  CERTIFICATE,
  OTHER
}
