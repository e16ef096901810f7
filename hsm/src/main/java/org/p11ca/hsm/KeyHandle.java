package org.p11ca.hsm;

import java.util.Objects;
import java.util.Optional;

/**
 * A reference to an object that lives on a token: never its key material. Handles are only meaningful to the token
 * that issued them; the token re-resolves a persistent object by label and CKA_ID when its native handle goes stale
 * (for example after the device was reset).
 */
public final class KeyHandle {

  private final Object issuer;
  private final ObjectClass objectClass;
  private final KeyType keyType;
  private final Optional<String> label;
  private final Optional<ObjectId> id;
  private final int sizeBits;
  private final boolean persistent;
  private final long nativeHandle;

  /** For backends only: callers get handles from a {@link Token}. */
  public KeyHandle(Object issuer, ObjectClass objectClass, KeyType keyType, Optional<String> label,
      Optional<ObjectId> id, int sizeBits, boolean persistent, long nativeHandle) {
    this.issuer = Objects.requireNonNull(issuer);
    this.objectClass = Objects.requireNonNull(objectClass);
    this.keyType = Objects.requireNonNull(keyType);
    this.label = Objects.requireNonNull(label);
    this.id = Objects.requireNonNull(id);
    this.sizeBits = sizeBits;
    this.persistent = persistent;
    this.nativeHandle = nativeHandle;
  }

  public ObjectClass objectClass() {
    return objectClass;
  }

  public KeyType keyType() {
    return keyType;
  }

  public Optional<String> label() {
    return label;
  }

  public Optional<ObjectId> id() {
    return id;
  }

  /** Modulus length for RSA, field size for EC, key length for AES; 0 when unknown. */
  public int sizeBits() {
    return sizeBits;
  }

  /** True for token objects (CKA_TOKEN), false for session objects that vanish with their session. */
  public boolean persistent() {
    return persistent;
  }

  /** For backends only. */
  public boolean issuedBy(Object token) {
    return issuer == token;
  }

  /** For backends only. */
  public long nativeHandle() {
    return nativeHandle;
  }

  @Override
  public String toString() {
    return objectClass + "/" + keyType + (sizeBits > 0 ? "-" + sizeBits : "")
        + label.map(l -> " label=" + l).orElse("") + id.map(i -> " id=" + i).orElse("")
        + (persistent ? "" : " (session object)");
  }
}
