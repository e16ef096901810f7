package org.p11ca.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.profile.CertificateLocations;

/** The {@code locations} section: URLs for every certificate whose profile names none of its own. */
class LocationsConfigTest {

  @TempDir
  Path dir;

  private MinimalConfig config;

  @BeforeEach
  void files() throws Exception {
    config = new MinimalConfig(dir);
  }

  private ServerConfig load(String extra) {
    return config.load(extra);
  }

  @Test
  void withoutTheSection_noLocations() {
    assertEquals(CertificateLocations.none(), load("").locations());
  }

  @Test
  void theUrls_areReadAsWritten_andAnyMayBeLeftOut() {
    CertificateLocations l = load("locations: {crlDistributionPoint: 'ldap://dir.example.com/cn=CA?certificate"
        + "RevocationList', ocsp: 'http://ocsp.example.com/'}\n").locations();
    assertEquals(Optional.of(URI.create("ldap://dir.example.com/cn=CA?certificateRevocationList")),
        l.crlDistributionPoint());
    assertEquals(Optional.of(URI.create("http://ocsp.example.com/")), l.ocsp());
    assertEquals(Optional.empty(), l.caIssuers());
  }

  @Test
  void aUrlARelyingPartyCannotFetch_orAnUnknownKey_isRefusedNamingTheField() {
    ConfigException ftp = assertThrows(ConfigException.class, () -> load("locations: {ocsp: 'ftp://x.example/'}\n"));
    assertEquals("locations.ocsp", ftp.field(), ftp.getMessage());
    assertTrue(ftp.getMessage().contains("must be an absolute URL"), ftp.getMessage());
    ConfigException relative = assertThrows(ConfigException.class,
        () -> load("locations: {crlDistributionPoint: /ca/crl}\n"));
    assertEquals("locations.crlDistributionPoint", relative.field(), relative.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class, () -> load("locations: {crl: 'http://x/'}\n"));
    assertTrue(unknown.getMessage().contains("crl"), unknown.getMessage());
  }
}
