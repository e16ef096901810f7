package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Dogtag's real tool outputs under the directory the build names in {@code p11ca.fixtures}. */
final class Fixtures {
  private Fixtures() {
  }

  /** user-bob.p12's password (shared/fixtures/dogtag/README.md). */
  static final String BOB_P12_PASSWORD = "user-p12-pass";
  /** agent.p12's password (the same README). */
  static final String AGENT_P12_PASSWORD = "agent-p12-pass";

  static Path root() {
    String dir = System.getProperty("p11ca.fixtures");
    if (dir == null || dir.isBlank()) {
      fail("system property p11ca.fixtures is not set: run the tests through Maven (client/pom.xml sets it)");
    }
    Path root = Path.of(dir).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("cmc"))) {
      fail("p11ca.fixtures=" + dir + " has no cmc/ directory: the Dogtag fixtures are missing");
    }
    return root;
  }

  static Path file(String relative) {
    return root().resolve(relative);
  }

  static String path(String relative) {
    return file(relative).toString();
  }

  /** A secret in an owner-only file, as a user would keep a password or PIN. */
  static Path secretFile(Path dir, String name, String secret) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, secret + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
