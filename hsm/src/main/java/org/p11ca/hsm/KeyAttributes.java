package org.p11ca.hsm;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The attributes given to a key this layer creates (generated or unwrapped). Private and secret keys are always
 * CKA_SENSITIVE; they are CKA_EXTRACTABLE only when {@link #extractable()} is asked for by name, because an
 * extractable key can be wrapped out of the token.
 *
 * @param persistent true for a token object, false for a session object
 */
public record KeyAttributes(
    Optional<String> label,
    Optional<ObjectId> id,
    Set<KeyUsage> usages,
    boolean persistent,
    boolean extractable) {

  public KeyAttributes {
    Objects.requireNonNull(label);
    Objects.requireNonNull(id);
    usages = usages.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(usages));
    if (usages.isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one usage");
    }
  }

  /** A persistent, non-extractable key. */
  public static KeyAttributes persistent(String label, ObjectId id, KeyUsage... usages) {
    return new KeyAttributes(Optional.of(label), Optional.of(id), Set.of(usages), true, false);
  }

  /**
   * A persistent, non-extractable key whose CKA_ID the token layer derives: for key pairs the RFC 5280 key
   * identifier of the public key, so certificates and keys pair up by CKA_ID.
   */
  public static KeyAttributes persistent(String label, KeyUsage... usages) {
    return new KeyAttributes(Optional.of(label), Optional.empty(), Set.of(usages), true, false);
  }

  /** A session object: gone when the session closes or it is destroyed, never written to the token. */
  public static KeyAttributes session(KeyUsage... usages) {
    return new KeyAttributes(Optional.empty(), Optional.empty(), Set.of(usages), false, false);
  }

  /** The one way to ask for a key that may leave the token wrapped; the name is meant to stand out in review. */
  public KeyAttributes allowWrappingOutOfToken() {
    return new KeyAttributes(label, id, usages, persistent, true);
  }

  public KeyAttributes withId(ObjectId newId) {
    return new KeyAttributes(label, Optional.of(newId), usages, persistent, extractable);
  }

  public boolean has(KeyUsage usage) {
    return usages.contains(usage);
  }
}
