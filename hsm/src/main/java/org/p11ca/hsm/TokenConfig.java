package org.p11ca.hsm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What is needed to open one token. Validated on construction so that a bad value fails at start-up, not on the
 * first signature.
 *
 * @param disabledMechanisms mechanism names (e.g. {@code CKM_AES_KEY_WRAP_PAD}) treated as absent even when the
 *     token lists them: the one knob for tokens that advertise a mechanism they implement badly.
 */
public record TokenConfig(
    Path library,
    SlotSelector slot,
    PinSource userPin,
    Backend backend,
    int sessionPoolSize,
    Duration sessionCheckoutTimeout,
    Set<String> disabledMechanisms) {

  public static final int DEFAULT_POOL_SIZE = 8;
  public static final Duration DEFAULT_CHECKOUT_TIMEOUT = Duration.ofSeconds(10);

  public TokenConfig {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(slot, "slot");
    Objects.requireNonNull(userPin, "userPin");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(sessionCheckoutTimeout, "sessionCheckoutTimeout");
    if (sessionPoolSize < 1 || sessionPoolSize > 1024) {
      throw new IllegalArgumentException("session pool size must be 1..1024, not " + sessionPoolSize);
    }
    if (sessionCheckoutTimeout.isNegative() || sessionCheckoutTimeout.isZero()) {
      throw new IllegalArgumentException("session checkout timeout must be positive");
    }
    disabledMechanisms = Set.copyOf(disabledMechanisms);
  }

  public static TokenConfig of(Path library, SlotSelector slot, PinSource userPin, Backend backend) {
    return new TokenConfig(library, slot, userPin, backend, DEFAULT_POOL_SIZE, DEFAULT_CHECKOUT_TIMEOUT, Set.of());
  }

  public TokenConfig withPoolSize(int size) {
    return new TokenConfig(library, slot, userPin, backend, size, sessionCheckoutTimeout, disabledMechanisms);
  }

  public TokenConfig withCheckoutTimeout(Duration timeout) {
    return new TokenConfig(library, slot, userPin, backend, sessionPoolSize, timeout, disabledMechanisms);
  }

  public TokenConfig withDisabledMechanisms(Set<String> names) {
    return new TokenConfig(library, slot, userPin, backend, sessionPoolSize, sessionCheckoutTimeout, names);
  }
}
