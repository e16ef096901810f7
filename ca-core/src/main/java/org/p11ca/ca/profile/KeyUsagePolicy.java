package org.p11ca.ca.profile;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The keyUsage extension a profile puts in every certificate it issues. */
public record KeyUsagePolicy(Set<KeyUsageBit> bits, boolean critical) {

  public KeyUsagePolicy {
    bits = Set.copyOf(bits);
    // RFC 5280 4.2.1.3: "When the keyUsage extension appears in a certificate, at least one of the bits MUST be
    // set to 1."
    if (bits.isEmpty()) {
      throw new FieldError("keyUsage.usages", "must name at least one usage (RFC 5280 4.2.1.3)");
    }
    // RFC 5280 4.2.1.3: encipherOnly and decipherOnly are undefined without keyAgreement.
    if ((bits.contains(KeyUsageBit.ENCIPHER_ONLY) || bits.contains(KeyUsageBit.DECIPHER_ONLY))
        && !bits.contains(KeyUsageBit.KEY_AGREEMENT)) {
      throw new FieldError("keyUsage.usages",
          "may hold encipherOnly or decipherOnly only together with keyAgreement (RFC 5280 4.2.1.3)");
    }
  }

  public boolean has(KeyUsageBit bit) {
    return bits.contains(bit);
  }

  /** Bouncy Castle's {@code KeyUsage(int)} argument. */
  public int mask() {
    return bits.stream().mapToInt(KeyUsageBit::mask).reduce(0, (a, b) -> a | b);
  }

  static KeyUsagePolicy fromConfig(ProfileConfig.KeyUsage raw) {
    if (raw == null) {
      throw new FieldError("keyUsage", "is required (RFC 5280 4.2.1.3)");
    }
    Set<KeyUsageBit> bits = EnumSet.noneOf(KeyUsageBit.class);
    for (String name : raw.usages() == null ? List.<String>of() : raw.usages()) {
      bits.add(KeyUsageBit.ofName(String.valueOf(name)).orElseThrow(() -> FieldError.of("keyUsage.usages", name,
          "is not a keyUsage bit of RFC 5280 4.2.1.3")));
    }
    return new KeyUsagePolicy(bits, raw.critical() == null || raw.critical());
  }
}
