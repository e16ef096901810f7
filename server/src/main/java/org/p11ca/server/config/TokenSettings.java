package org.p11ca.server.config;

import java.nio.file.Path;
import java.util.Objects;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.PinSource;

/**
 * The token the CA's keys live on.
 *
 * @param pin where the user PIN is read from (a file or an environment variable, never the config itself)
 */
public record TokenSettings(Path library, String label, PinSource pin, Backend backend, int sessionPoolSize) {

  public static final Path SOFTHSM_LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

  public TokenSettings {
    Objects.requireNonNull(library);
    Objects.requireNonNull(label);
    Objects.requireNonNull(pin);
    Objects.requireNonNull(backend);
  }
}
