package org.p11ca.ca.profile;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which subject public keys a profile accepts.
 *
 * @param rsaMinBits the smallest RSA modulus accepted; empty when the profile refuses RSA
 * @param ecCurves the named curves accepted; empty when the profile refuses EC
 */
public record KeyConstraints(Optional<Integer> rsaMinBits, Set<NamedCurve> ecCurves) {

  /** NIST SP 800-131A: RSA below 2048 bits is disallowed for signatures and key transport since 2014. */
  public static final int RSA_FLOOR = 2048;

  public KeyConstraints {
    ecCurves = Set.copyOf(ecCurves);
    rsaMinBits.ifPresent(bits -> {
      if (bits < RSA_FLOOR) {
        throw FieldError.of("keys.rsaMinBits", bits, "is below " + RSA_FLOOR
            + " (NIST SP 800-131A disallows shorter RSA keys)");
      }
    });
    if (rsaMinBits.isEmpty() && ecCurves.isEmpty()) {
      throw new FieldError("keys", "must allow RSA (rsaMinBits) or at least one EC curve (ecCurves)");
    }
  }

  static KeyConstraints fromConfig(ProfileConfig.Keys raw) {
    if (raw == null) {
      throw new FieldError("keys", "is required");
    }
    Set<NamedCurve> curves = EnumSet.noneOf(NamedCurve.class);
    for (String name : raw.ecCurves() == null ? List.<String>of() : raw.ecCurves()) {
      curves.add(NamedCurve.ofName(String.valueOf(name)).orElseThrow(() -> FieldError.of("keys.ecCurves", name,
          "is not a supported curve (RFC 5480 named curves " + NamedCurve.allNames() + ")")));
    }
    return new KeyConstraints(Optional.ofNullable(raw.rsaMinBits()), curves);
  }
}
