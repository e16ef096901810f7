package org.p11ca.hsm;

import java.util.Optional;

/** Finds an object by CKA_LABEL, CKA_ID or both; at least one must be given. */
public record KeySelector(Optional<String> label, Optional<ObjectId> id) {

  public KeySelector {
    if (label.isEmpty() && id.isEmpty()) {
      throw new IllegalArgumentException("a key selector needs a label or a CKA_ID");
    }
  }

  public static KeySelector label(String label) {
    return new KeySelector(Optional.of(label), Optional.empty());
  }

  public static KeySelector id(ObjectId id) {
    return new KeySelector(Optional.empty(), Optional.of(id));
  }

  public static KeySelector of(String label, ObjectId id) {
    return new KeySelector(Optional.ofNullable(label), Optional.ofNullable(id));
  }

  @Override
  public String toString() {
    return label.map(l -> "label '" + l + "'").orElse("")
        + (label.isPresent() && id.isPresent() ? " and " : "")
        + id.map(i -> "CKA_ID " + i).orElse("");
  }
}
