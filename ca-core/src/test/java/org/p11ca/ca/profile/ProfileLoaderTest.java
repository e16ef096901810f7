package org.p11ca.ca.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileLoaderTest {

  @TempDir
  Path dir;

  private void copyResource(String resource, String name) throws IOException {
    try (InputStream in = ProfileLoaderTest.class.getResourceAsStream(resource)) {
      Files.copy(in, dir.resolve(name));
    }
  }

  @Test
  void loadsEveryYamlFileOfADirectoryAndIgnoresOtherFiles() throws IOException {
    copyResource("valid/minimal.yaml", "minimal.yaml");
    copyResource("/org/p11ca/ca/profile/caServerCert.yaml", "caServerCert.yml");
    Files.writeString(dir.resolve("README.txt"), "not a profile");
    Profiles profiles = ProfileLoader.load(dir);
    assertEquals(List.of("caServerCert", "minimal"), profiles.all().stream().map(Profile::id).toList());
  }

  @Test
  void oneBadFileStopsTheDirectoryLoad() throws IOException {
    copyResource("valid/minimal.yaml", "minimal.yaml");
    copyResource("invalid/zeroValidity.yaml", "zeroValidity.yaml");
    InvalidProfileException e = assertThrows(InvalidProfileException.class, () -> ProfileLoader.load(dir));
    assertTrue(e.getMessage().startsWith("zeroValidity.yaml: validity 'P0D' must be positive"), e.getMessage());
  }

  @Test
  void emptyFileIsRefused() {
    InvalidProfileException e = assertThrows(InvalidProfileException.class, () -> ProfileLoader.parse("empty.yaml",
        ""));
    assertEquals("empty.yaml: is empty", e.getMessage());
  }

  @Test
  void twoProfilesWithOneIdAreRefused() {
    Profile p = ProfileLoader.loadDefaults().find("caServerCert").orElseThrow();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Profiles(List.of(p, p)));
    assertEquals("two profiles have the id 'caServerCert'", e.getMessage());
  }

  @Test
  void defaultLocations_fillOnlyWhatAProfileDoesNotName() {
    Profile own = ProfileLoader.parse("own.yaml", "id: own\nvalidity: P30D\nsubject: {from: request}\n"
        + "keys: {rsaMinBits: 2048}\nkeyUsage: {usages: [digitalSignature]}\nbasicConstraints: {ca: false}\n"
        + "crlDistributionPoint: http://own.example.com/own.crl\n");
    Profile bare = ProfileLoader.loadDefaults().find("caFullCMCUserCert").orElseThrow();
    CertificateLocations defaults = new CertificateLocations(
        CertificateLocations.crlUrl("crl", "http://ca.example.com/ca.crl"),
        CertificateLocations.ocspUrl("ocsp", "http://ca.example.com/ocsp"), java.util.Optional.empty());
    Profiles located = new Profiles(List.of(own, bare)).withDefaultLocations(defaults);

    CertificateLocations ownAfter = located.find("own").orElseThrow().locations();
    assertEquals("http://own.example.com/own.crl", ownAfter.crlDistributionPoint().orElseThrow().toString(),
        "a profile's own URL wins");
    assertEquals("http://ca.example.com/ocsp", ownAfter.ocsp().orElseThrow().toString());
    assertEquals(defaults, located.find("caFullCMCUserCert").orElseThrow().locations());
    assertEquals(bare.withDefaultLocations(CertificateLocations.none()), bare, "no defaults, no change");
    assertThrows(IllegalArgumentException.class, () -> CertificateLocations.ocspUrl("ocsp", "ftp://x.example/"));
  }
}
