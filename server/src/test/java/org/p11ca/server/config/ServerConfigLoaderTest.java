package org.p11ca.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.service.CmcEndpoint;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.PinSource;

/** Each bad field is refused at load time with the file, the dotted field and a reason. */
class ServerConfigLoaderTest {

  @TempDir
  Path dir;

  private Path file;
  private Path library;
  private final Map<String, String> environment = new java.util.HashMap<>();

  @BeforeEach
  void files() throws Exception {
    file = dir.resolve("p11ca.yaml");
    library = Files.writeString(dir.resolve("libpkcs11.so"), "not really a library, but a file");
    Files.writeString(dir.resolve("user.pin"), "1234\n");
  }

  private String minimal() {
    return "dataDir: data\n"
        + "token:\n"
        + "  library: " + library + "\n"
        + "  label: p11ca\n"
        + "  pinFile: user.pin\n";
  }

  private ServerConfig load(String yaml) {
    return new ServerConfigLoader(environment::get).parse(file, yaml);
  }

  private ConfigException refused(String yaml, String field, String reasonPart) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.reason().contains(reasonPart), e.getMessage());
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  @Test
  void minimalConfig_getsTheDocumentedDefaults() {
    ServerConfig c = load(minimal());
    assertEquals(dir.resolve("data"), c.dataDir(), "relative to the config file's directory");
    assertEquals(Backend.IAIK, c.token().backend());
    assertEquals(PinSource.file(dir.resolve("user.pin")), c.token().pin());
    assertEquals(8, c.token().sessionPoolSize());
    assertEquals("ca-signing", c.keys().caSigning());
    assertEquals("audit-signing", c.keys().audit());
    assertEquals("tls-server", c.keys().tls());
    assertEquals(Optional.empty(), c.profilesDir());
    assertEquals("127.0.0.1", c.http().host());
    assertEquals(8443, c.http().port());
    assertEquals(1024 * 1024, c.http().maxBodyBytes());
    assertEquals(Duration.ofSeconds(30), c.http().idleTimeout());
    assertEquals(List.of("localhost"), c.http().tlsHostNames());
    assertEquals(dir.resolve("data/audit/audit.log"), c.audit().file());
    assertEquals(1000, c.audit().checkpoints().everyRecords());
    for (CmcEndpoint e : CmcEndpoint.values()) {
      assertEquals(ClientAuth.OPTIONAL, c.clientAuth().forEndpoint(e));
    }
  }

  @Test
  void fullConfig_isReadAsWritten() throws Exception {
    Files.createDirectory(dir.resolve("profiles"));
    environment.put("P11CA_PIN", "secret");
    ServerConfig c = load("dataDir: /var/lib/p11ca\n"
        + "token: {library: " + library + ", label: ca, pinEnv: P11CA_PIN, backend: sun, sessionPoolSize: 16}\n"
        + "keys: {caSigning: ca2, audit: audit2, tls: tls2}\n"
        + "profilesDir: profiles\n"
        + "http: {host: 0.0.0.0, port: 0, maxBodyBytes: 65536, idleTimeout: PT5S, stopTimeout: 2s,"
        + " tlsHostNames: [ca.example.org, 192.0.2.7, '::1']}\n"
        + "audit: {file: /var/log/p11ca/audit.log, checkpointEveryRecords: 10, checkpointInterval: 1m,"
        + " syncEveryRecord: true, rotateAfterBytes: 1048576, rotateEvery: 7d}\n"
        + "clientAuth: {profileSubmitCMCSimple: required, profileSubmitSelfSignedCMCFull: none}\n");
    assertEquals(Path.of("/var/lib/p11ca"), c.dataDir());
    assertEquals(PinSource.environment("P11CA_PIN"), c.token().pin());
    assertEquals(Backend.SUN, c.token().backend());
    assertEquals(16, c.token().sessionPoolSize());
    assertEquals(new KeyLabels("ca2", "audit2", "tls2", KeyLabels.DEFAULT_POP_PROTECTION,
        KeyLabels.DEFAULT_KRA_STORAGE, KeyLabels.DEFAULT_KRA_TRANSPORT, KeyLabels.DEFAULT_SHARED_SECRET_PROTECTION,
        KeyLabels.DEFAULT_OCSP_SIGNING), c.keys());
    assertEquals(Optional.of(dir.resolve("profiles")), c.profilesDir());
    assertEquals(new HttpSettings("0.0.0.0", 0, 65536, Duration.ofSeconds(5), Duration.ofSeconds(2),
        List.of("ca.example.org", "192.0.2.7", "::1")), c.http());
    assertEquals(Path.of("/var/log/p11ca/audit.log"), c.audit().file());
    assertEquals(Duration.ofMinutes(1), c.audit().checkpoints().maxInterval());
    assertTrue(c.audit().checkpoints().syncEveryRecord());
    assertEquals(1048576, c.audit().checkpoints().rotateAfterBytes());
    assertEquals(Duration.ofDays(7), c.audit().checkpoints().rotateEvery());
    assertEquals(ClientAuth.REQUIRED, c.clientAuth().forEndpoint(CmcEndpoint.SIMPLE));
    assertEquals(ClientAuth.NONE, c.clientAuth().forEndpoint(CmcEndpoint.SELF_SIGNED_FULL));
    assertEquals(ClientAuth.OPTIONAL, c.clientAuth().forEndpoint(CmcEndpoint.FULL));
  }

  @Test
  void unknownTopLevelKey_isRefused() {
    refused(minimal() + "dataDirectory: x\n", "dataDirectory", "unknown key");
  }

  @Test
  void unknownNestedKey_isRefused() {
    refused(minimal() + "http:\n  maxBodyByte: 10\n", "http.maxBodyByte", "unknown key");
  }

  @Test
  void notYaml_isRefused() {
    refused("dataDir: [unclosed\n", "", "not valid YAML");
  }

  @Test
  void emptyFile_isRefused() {
    refused("", "", "empty");
  }

  @Test
  void duplicateKey_isRefused() {
    refused(minimal() + "dataDir: other\n", "", "not valid YAML");
  }

  @Test
  void missingDataDir_isRefused() {
    refused(minimal().replace("dataDir: data\n", ""), "dataDir", "is required");
  }

  @Test
  void missingToken_isRefused() {
    refused("dataDir: data\n", "token", "is required");
  }

  @Test
  void missingTokenLabel_isRefused() {
    refused(minimal().replace("  label: p11ca\n", ""), "token.label", "is required");
  }

  @Test
  void tokenLabelOver32Bytes_isRefused() {
    refused(minimal().replace("label: p11ca", "label: " + "x".repeat(33)), "token.label", "32 bytes");
  }

  @Test
  void missingLibrary_isRefused() {
    refused(minimal().replace(library.toString(), "/nonexistent/libpkcs11.so"), "token.library", "does not exist");
  }

  @Test
  void libraryDefaultsToTheEnvironmentVariable() {
    environment.put("P11CA_PKCS11_LIBRARY", library.toString());
    assertEquals(library, load(minimal().replace("  library: " + library + "\n", "")).token().library());
  }

  @Test
  void bothPinFileAndPinEnv_areRefused() {
    environment.put("PIN", "1");
    refused(minimal() + "  pinEnv: PIN\n", "token.pinFile", "exactly one");
  }

  @Test
  void neitherPinFileNorPinEnv_isRefused() {
    refused(minimal().replace("  pinFile: user.pin\n", ""), "token.pinFile", "exactly one");
  }

  @Test
  void missingPinFile_isRefused() {
    refused(minimal().replace("user.pin", "nope.pin"), "token.pinFile", "does not exist");
  }

  @Test
  void unsetPinEnv_isRefused_withoutEchoingAnyValue() {
    refused(minimal().replace("  pinFile: user.pin\n", "  pinEnv: P11CA_NO_SUCH_PIN\n"), "token.pinEnv",
        "P11CA_NO_SUCH_PIN is not set");
  }

  @Test
  void unknownBackend_isRefused() {
    refused(minimal() + "  backend: pkcs11\n", "token.backend", "iaik or sun");
  }

  @Test
  void sessionPoolSizeZero_isRefused() {
    refused(minimal() + "  sessionPoolSize: 0\n", "token.sessionPoolSize", "between 1 and 1024");
  }

  @Test
  void sessionPoolSizeNotANumber_isRefused() {
    refused(minimal() + "  sessionPoolSize: many\n", "token.sessionPoolSize", "whole number");
  }

  @Test
  void sameLabelForTwoKeys_isRefused() {
    refused(minimal() + "keys: {caSigning: k, tls: k}\n", "keys", "four different keys");
    refused(minimal() + "keys: {ocspSigning: ca-signing}\n", "keys", "four different keys");
  }

  @Test
  void emptyKeyLabel_isRefused() {
    refused(minimal() + "keys: {audit: ''}\n", "keys.audit", "must not be empty");
  }

  @Test
  void missingProfilesDir_isRefused() {
    refused(minimal() + "profilesDir: nowhere\n", "profilesDir", "does not exist");
  }

  @Test
  void portOutOfRange_isRefused() {
    refused(minimal() + "http: {port: 70000}\n", "http.port", "between 0 and 65535");
  }

  @Test
  void maxBodyBytesTooSmall_isRefused() {
    refused(minimal() + "http: {maxBodyBytes: 10}\n", "http.maxBodyBytes", "between 1024");
  }

  @Test
  void badIdleTimeout_isRefused() {
    refused(minimal() + "http: {idleTimeout: soon}\n", "http.idleTimeout", "duration");
  }

  @Test
  void zeroIdleTimeout_isRefused() {
    refused(minimal() + "http: {idleTimeout: 0s}\n", "http.idleTimeout", "positive");
  }

  @Test
  void hostWithWrongType_isRefused() {
    refused(minimal() + "http: {host: [a, b]}\n", "http.host", "must be a string");
  }

  @Test
  void emptyTlsHostNames_isRefused() {
    refused(minimal() + "http: {tlsHostNames: []}\n", "http.tlsHostNames", "at least one");
  }

  @Test
  void badTlsHostName_isRefused() {
    refused(minimal() + "http: {tlsHostNames: [localhost, 'bad name!']}\n", "http.tlsHostNames[1]",
        "neither a DNS host name nor an IP address");
  }

  @Test
  void badIpAddressInTlsHostNames_isRefused() {
    refused(minimal() + "http: {tlsHostNames: [localhost, 999.1.1.1]}\n", "http.tlsHostNames[1]",
        "not a valid IP address");
  }

  @Test
  void ipAddressAsFirstTlsHostName_isRefused() {
    refused(minimal() + "http: {tlsHostNames: [127.0.0.1]}\n", "http.tlsHostNames[0]", "must be a DNS name");
  }

  @Test
  void checkpointEveryRecordsZero_isRefused() {
    refused(minimal() + "audit: {checkpointEveryRecords: 0}\n", "audit.checkpointEveryRecords", "between 1");
  }

  @Test
  void negativeRotateAfterBytes_isRefused_andTheDefaultIsDogtags() {
    refused(minimal() + "audit: {rotateAfterBytes: -1}\n", "audit.rotateAfterBytes", "between 0");
    assertEquals(100L * 1024 * 1024, load(minimal()).audit().checkpoints().rotateAfterBytes());
  }

  @Test
  void rotateEvery_takesADurationOrNever_defaultsToDogtagsMonth_andRefusesZero() {
    assertEquals(Duration.ZERO, load(minimal() + "audit: {rotateEvery: never}\n").audit().checkpoints()
        .rotateEvery());
    assertEquals(Duration.ofDays(30), load(minimal()).audit().checkpoints().rotateEvery());
    refused(minimal() + "audit: {rotateEvery: 0s}\n", "audit.rotateEvery", "positive");
    refused(minimal() + "audit: {rotateEvery: monthly}\n", "audit.rotateEvery", "duration");
  }

  @Test
  void badCheckpointInterval_isRefused() {
    refused(minimal() + "audit: {checkpointInterval: 5 minutes}\n", "audit.checkpointInterval", "duration");
  }

  @Test
  void syncEveryRecordNotBoolean_isRefused() {
    refused(minimal() + "audit: {syncEveryRecord: often}\n", "audit.syncEveryRecord", "true or false");
  }

  @Test
  void unknownClientAuthEndpoint_isRefused() {
    refused(minimal() + "clientAuth: {profileSubmit: required}\n", "clientAuth.profileSubmit", "unknown key");
  }

  @Test
  void badClientAuthValue_isRefused() {
    refused(minimal() + "clientAuth: {profileSubmitCMCFull: always}\n", "clientAuth.profileSubmitCMCFull",
        "none, optional or required");
  }

  @Test
  void sectionThatIsNotAMapping_isRefused() {
    refused(minimal() + "http: 8443\n", "http", "must be a mapping");
  }

  @Test
  void unreadableFile_isRefusedNamingIt() {
    Path missing = dir.resolve("missing.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfigLoader.load(missing));
    assertTrue(e.getMessage().startsWith(missing + ": cannot be read"), e.getMessage());
  }

  @Test
  void ocsp_defaultsToAnHourSignedByTheCa_andIsReadAsWritten() {
    assertEquals(org.p11ca.ca.ocsp.OcspSettings.defaults(), load(minimal()).ocsp());
    assertEquals(Duration.ofHours(1), load(minimal()).ocsp().nextUpdate());
    assertEquals(Duration.ofMinutes(10), load(minimal() + "ocsp: {nextUpdate: 10m, signer: ca}\n").ocsp().nextUpdate());
  }

  @Test
  void ocspNextUpdateBeyondTenDays_isRefused() {
    refused(minimal() + "ocsp: {nextUpdate: 11d}\n", "ocsp.nextUpdate", "at most 10d");
  }

  @Test
  void ocspSigner_caByDefault_delegatedWhenAsked_andNothingElse() {
    assertEquals(OcspSigner.CA, load(minimal()).ocspSigner());
    assertEquals(OcspSigner.CA, load(minimal() + "ocsp: {signer: ca}\n").ocspSigner());
    ServerConfig delegated = load(minimal() + "ocsp: {signer: delegated}\nkeys: {ocspSigning: responder-2}\n");
    assertEquals(OcspSigner.DELEGATED, delegated.ocspSigner());
    assertEquals("responder-2", delegated.keys().ocspSigning());
    refused(minimal() + "ocsp: {signer: ocsp-signing}\n", "ocsp.signer", "must be 'ca' (the CA key signs) or"
        + " 'delegated'");
  }

  @Test
  void statusPort_absentByDefault_readWhenGiven_andMustDifferFromTheHttpsPort() {
    assertEquals(java.util.OptionalInt.empty(), load(minimal()).http().statusPort());
    assertEquals(java.util.OptionalInt.of(8080), load(minimal() + "http: {port: 8443, statusPort: 8080}\n").http()
        .statusPort());
    refused(minimal() + "http: {port: 8443, statusPort: 8443}\n", "http.statusPort", "must differ from port");
  }

  @Test
  void ocspUnknownKey_isRefused() {
    refused(minimal() + "ocsp: {validity: 1h}\n", "ocsp.validity", "unknown key");
  }

  @Test
  void crl_defaultsToADayWithTwoSecondsOfBatching_andIsReadAsWritten() {
    assertEquals(org.p11ca.ca.crl.CrlSettings.DEFAULT, load(minimal()).crl());
    assertEquals(new org.p11ca.ca.crl.CrlSettings(Duration.ofHours(6), Duration.ofMillis(500)),
        load(minimal() + "crl: {validity: 6h, regenerateDelay: 500ms}\n").crl());
  }

  @Test
  void crlValidityUnderAMinute_isRefused() {
    refused(minimal() + "crl: {validity: 30s}\n", "crl.validity", "between 1m and 366d");
  }

  @Test
  void crlRegenerateDelayOfHalfTheValidity_isRefused() {
    refused(minimal() + "crl: {validity: 1h, regenerateDelay: 30m}\n", "crl.regenerateDelay", "less than half");
  }

  @Test
  void unknownCrlKey_isRefused() {
    refused(minimal() + "crl: {lifetime: 1d}\n", "crl.lifetime", "unknown key");
  }

  /** Every section set, in block style, so each line holds one setting. */
  private String everySection() {
    return minimal()
        + "  backend: iaik\n"
        + "  sessionPoolSize: 8\n"
        + "keys:\n  caSigning: ca-signing\n  audit: audit-signing\n  tls: tls-server\n"
        + "http:\n  port: 8443\n  host: 127.0.0.1\n  maxBodyBytes: 1048576\n  idleTimeout: 30s\n"
        + "  stopTimeout: 10s\n  tlsHostNames:\n    - localhost\n  statusPort: 8080\n"
        + "audit:\n  file: audit/audit.log\n  checkpointEveryRecords: 1000\n  checkpointInterval: 5m\n"
        + "  syncEveryRecord: false\n"
        + "clientAuth:\n  profileSubmitCMCSimple: required\n"
        + "kra:\n  requiredApprovals: 1\n  transportPadding: rsaPkcs1\n"
        + "sharedSecrets:\n  defaultLifetime: 7d\n  maxLifetime: 90d\n  lockAfterFailures: 5\n"
        + "crl:\n  validity: 1d\n  regenerateDelay: 2s\n"
        + "ocsp:\n  nextUpdate: 1h\n  signer: ca\n";
  }

  private static final String[] VALUES = {"null", "~", "[]", "{}", "-1", "0", "x", "true", "0s", "[a, b]",
      "{a: b}", "99999999999999999999", "[[]]", "'1h'", "1.5", "\"\""};

  /**
   * The full config edited line by line as an operator might (a line deleted or doubled, a value swapped for another
   * YAML value, an indentation changed): it loads, or it is refused with one line naming the file; never another
   * exception, which `p11ca serve` would show as a stack trace.
   */
  @Test
  void editedConfig_loadsOrIsRefusedInOneLine() {
    load(everySection());
    List<String> lines = everySection().lines().toList();
    java.util.Random random = new java.util.Random(4);
    List<String> problems = new java.util.ArrayList<>();
    for (int i = 0; i < 400; i++) {
      List<String> edited = new java.util.ArrayList<>(lines);
      int at = random.nextInt(edited.size());
      String line = edited.get(at);
      String what;
      switch (random.nextInt(4)) {
        case 0 -> {
          edited.remove(at);
          what = "line " + (at + 1) + " deleted";
        }
        case 1 -> {
          edited.add(at, line);
          what = "line " + (at + 1) + " doubled";
        }
        case 2 -> {
          String value = VALUES[random.nextInt(VALUES.length)];
          int colon = line.indexOf(':');
          edited.set(at, colon < 0 ? "    - " + value : line.substring(0, colon + 1) + " " + value);
          what = "line " + (at + 1) + " value := " + value;
        }
        default -> {
          edited.set(at, random.nextBoolean() ? "  " + line : line.strip());
          what = "line " + (at + 1) + " indented differently";
        }
      }
      try {
        load(String.join("\n", edited) + "\n");
      } catch (ConfigException e) {
        if (!e.getMessage().startsWith(file + ": ") || e.getMessage().contains("\n")) {
          problems.add(what + ": not one line naming the file: " + e.getMessage());
        }
      } catch (RuntimeException e) {
        problems.add(what + ": " + e);
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }
}
