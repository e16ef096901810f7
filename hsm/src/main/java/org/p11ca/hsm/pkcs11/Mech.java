package org.p11ca.hsm.pkcs11;

/** A mechanism with its parameters, in binding-neutral form. */
public record Mech(long type, Params params) {

  /** Mechanism parameters the core uses. */
  public sealed interface Params {
  }

  public record NoParams() implements Params {
  }

  /** A plain byte string, e.g. the IV of CKM_AES_CBC_PAD. */
  public record Bytes(byte[] value) implements Params {
  }

  public record Gcm(byte[] iv, byte[] aad, long tagBits) implements Params {
  }

  public record Pss(long hashMechanism, long mgf, long saltLength) implements Params {
  }

  public record Oaep(long hashMechanism, long mgf) implements Params {
  }

  /** CK_ECDH1_DERIVE_PARAMS: the KDF (CKD_NULL: the derived key is the shared secret Z), and the peer's point. */
  public record Ecdh1Derive(long kdf, byte[] sharedData, byte[] publicData) implements Params {
  }

  public static Mech of(long type) {
    return new Mech(type, new NoParams());
  }

  public static Mech of(long type, Params params) {
    return new Mech(type, params);
  }

  public String name() {
    return Pkcs11Constants.name("CKM", type);
  }
}
