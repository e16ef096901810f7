package org.p11ca.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The least a config needs (a data directory and a token whose library file and PIN file exist), written into a
 * test's temporary directory, for tests of one section: {@link #load} parses it with that section added.
 */
final class MinimalConfig {

  private final Path dir;
  private final Path library;

  MinimalConfig(Path dir) throws IOException {
    this.dir = dir;
    this.library = Files.writeString(dir.resolve("libpkcs11.so"), "not really a library, but a file");
    Files.writeString(dir.resolve("user.pin"), "1234\n");
  }

  /** Parses the minimal config followed by {@code extra} (YAML), with no environment variables. */
  ServerConfig load(String extra) {
    return new ServerConfigLoader(Map.<String, String>of()::get).parse(dir.resolve("p11ca.yaml"), "dataDir: data\n"
        + "token: {library: " + library + ", label: p11ca, pinFile: user.pin}\n" + extra);
  }
}
