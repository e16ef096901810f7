package org.p11ca.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * What scripts/bench.sh gives a benchmark: a token directory and work directory of its own, with no token or
 * database of an earlier run (whose PINs are gone). The bench module's tests run each class in a JVM of its own
 * (surefire reuseForks=false in bench/pom.xml), so nothing in this JVM has read the directory when it is emptied.
 */
public final class FreshTokenDirectory {

  private FreshTokenDirectory() {
  }

  public static void prepare() throws IOException {
    Path dir = Path.of(System.getenv("SOFTHSM2_CONF")).toAbsolutePath().getParent();
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    SoftHsm.conf();
  }
}
