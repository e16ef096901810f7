package org.p11ca.hsm.pkcs11;

/**
 * A CKR_ return code from the native library, as either binding reports it. Internal to the hsm module: the token
 * turns it into an {@link org.p11ca.hsm.HsmException} with context before it reaches a caller.
 */
public final class Pkcs11Error extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long code;

  public Pkcs11Error(long code, Throwable cause) {
    super(Pkcs11Constants.name("CKR", code), cause);
    this.code = code;
  }

  public long code() {
    return code;
  }

  public String codeName() {
    return Pkcs11Constants.name("CKR", code);
  }
}
