package org.p11ca.hsm;

/** A key wrapped by the token, with the mechanism needed to unwrap it again. */
public record WrappedKey(WrapMechanism mechanism, byte[] bytes) {
  public WrappedKey {
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }
}
