package org.p11ca.ca.profile;

import java.util.Locale;

/**
 * Whether a profile takes requests whose identity is proven by a shared secret (a self-signed request with
 * identityProofV2 and identification, RFC 5272 sections 6.2.1 and 6.2.3), and whether each certification request
 * must then also carry a popLinkWitnessV2 (section 6.3.1.1) tying the key to that identity.
 */
public record SharedSecretIdentityPolicy(boolean popLinkWitnessRequired) {

  static SharedSecretIdentityPolicy fromConfig(ProfileConfig.SharedSecretIdentity raw) {
    if (raw.popLinkWitness() == null) {
      return new SharedSecretIdentityPolicy(false);
    }
    return switch (raw.popLinkWitness().trim().toLowerCase(Locale.ROOT)) {
      case "optional" -> new SharedSecretIdentityPolicy(false);
      case "required" -> new SharedSecretIdentityPolicy(true);
      default -> throw FieldError.of("sharedSecretIdentity.popLinkWitness", raw.popLinkWitness(),
          "must be 'optional' or 'required'");
    };
  }
}
