package org.p11ca.ca.profile;

import java.util.Optional;

/**
 * The basicConstraints a profile issues (RFC 5280 section 4.2.1.9).
 *
 * @param pathLen the pathLenConstraint; present only for CA profiles
 */
public record BasicConstraintsPolicy(boolean ca, Optional<Integer> pathLen) {

  public BasicConstraintsPolicy {
    // RFC 5280 4.2.1.9: "CAs MUST NOT include the pathLenConstraint field unless the cA boolean is asserted".
    if (!ca && pathLen.isPresent()) {
      throw FieldError.of("basicConstraints.pathLen", pathLen.get(),
          "is only allowed when ca is true (RFC 5280 4.2.1.9)");
    }
    // RFC 5280 4.2.1.9: "it gives the maximum number of non-self-issued intermediate certificates", so >= 0.
    pathLen.ifPresent(n -> {
      if (n < 0) {
        throw FieldError.of("basicConstraints.pathLen", n, "must not be negative (RFC 5280 4.2.1.9)");
      }
    });
  }

  public static BasicConstraintsPolicy endEntity() {
    return new BasicConstraintsPolicy(false, Optional.empty());
  }

  static BasicConstraintsPolicy fromConfig(ProfileConfig.BasicConstraints raw) {
    if (raw == null) {
      return endEntity();
    }
    return new BasicConstraintsPolicy(Boolean.TRUE.equals(raw.ca()), Optional.ofNullable(raw.pathLen()));
  }
}
