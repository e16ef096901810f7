package org.p11ca.hsm;

/** Which PKCS#11 binding drives a token. Both speak to the same native library; see README for the trade-offs. */
public enum Backend {
  /** The JDK's own SunPKCS11 wrapper; the only one that also yields a JCA KeyStore (for TLS). */
  SUN,
  /** The IAIK PKCS#11 wrapper API as packaged by XiPKI (org.xipki:ipkcs11wrapper). */
  IAIK;

  public static Backend parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown backend '" + name + "': use sun or iaik");
    }
  }
}
