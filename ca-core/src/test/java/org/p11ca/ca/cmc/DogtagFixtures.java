package org.p11ca.ca.cmc;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** The real Dogtag requests under the directory the build names in {@code p11ca.fixtures}. */
final class DogtagFixtures {

  private DogtagFixtures() {
  }

  static Path root() {
    String dir = System.getProperty("p11ca.fixtures");
    if (dir == null || dir.isBlank()) {
      fail("system property p11ca.fixtures is not set: run the tests through Maven (ca-core/pom.xml sets it to"
          + " shared/fixtures/dogtag)");
    }
    Path root = Path.of(dir);
    if (!Files.isDirectory(root.resolve("cmc"))) {
      fail("p11ca.fixtures=" + dir + " has no cmc/ directory: the Dogtag fixtures are missing");
    }
    return root;
  }

  static byte[] read(String relative) {
    try {
      return Files.readAllBytes(root().resolve(relative));
    } catch (IOException e) {
      throw new AssertionError("cannot read fixture " + relative, e);
    }
  }

  static byte[] cmc(String name) {
    return read("cmc/" + name + ".der");
  }

  static CmcRequest parse(String name) {
    return CmcRequestParser.parse(cmc(name));
  }

  static X509Certificate cert(String name) {
    try (InputStream in = Files.newInputStream(root().resolve("ca/" + name))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | CertificateException e) {
      throw new AssertionError("cannot read certificate " + name, e);
    }
  }

  static PublicKey key(String certName) {
    return cert(certName).getPublicKey();
  }
}
