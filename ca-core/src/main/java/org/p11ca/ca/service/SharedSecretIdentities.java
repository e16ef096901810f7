package org.p11ca.ca.service;

import java.util.Objects;
import org.p11ca.ca.repository.SharedSecretStore;
import org.p11ca.ca.secret.SharedSecretPolicy;
import org.p11ca.ca.secret.SharedSecretVault;

/** What a CA needs to accept self-signed requests proven by shared secrets: the secrets, their token key, rules. */
public record SharedSecretIdentities(SharedSecretStore store, SharedSecretVault vault, SharedSecretPolicy policy) {

  public SharedSecretIdentities {
    Objects.requireNonNull(store);
    Objects.requireNonNull(vault);
    Objects.requireNonNull(policy);
  }
}
