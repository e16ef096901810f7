package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue [2] acceptance 3: README command 1, {@code scripts/quickstart.sh --once}, on an empty data directory sets up
 * the token and the CA, enrolls once over CMC, leaves the CA and demo certificates, stops the server and exits 0;
 * run again, it reuses everything and enrolls once more. openssl judges the certificates. The port is ephemeral
 * ({@code P11CA_PORT=0}) so the test never collides with a CA on 8443.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuickstartScriptTest {

  static final Pattern LISTENING = Pattern.compile("(?m)^quickstart: CA listening on https://localhost:(\\d+) ");

  Path data;
  Path config;
  /** The CRL and OCSP listener's port: in the demo certificate's URLs, so fixed before the server starts. */
  int statusPort;
  Processes.Result firstRun;

  @BeforeAll
  void runQuickstartOnce(@TempDir Path dir) {
    data = dir.resolve("p11ca-data");
    config = data.resolve("p11ca.yaml");
    statusPort = freePort();
    firstRun = quickstart();
  }

  private Processes.Result quickstart() {
    return Processes.run(Map.of("P11CA_PORT", "0", "P11CA_STATUS_PORT", Integer.toString(statusPort)), "bash",
        "scripts/quickstart.sh", "--once", data.toString()).requireSuccess();
  }

  private static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Map<String, String> softhsmEnv() {
    return Map.of("SOFTHSM2_CONF", data.resolve("softhsm/softhsm2.conf").toString());
  }

  private Processes.Result openssl(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    return Processes.run(Map.of(), null, command).requireSuccess();
  }

  private String name(String what, Path pem) {
    return openssl("x509", "-in", pem.toString(), "-noout", "-" + what, "-nameopt", "RFC2253").stdout().strip()
        .replaceFirst("^" + what + "=", "");
  }

  @Test
  void firstRun_leavesTheCaAndDemoCertificates_andOpensslVerifiesTheDemoAgainstTheCa() {
    Path caPem = data.resolve("ca.pem");
    Path demoPem = data.resolve("demo/cert.pem");
    assertTrue(Files.isRegularFile(caPem), firstRun.stdout());
    assertTrue(Files.isRegularFile(demoPem), firstRun.stdout());
    assertEquals(demoPem + ": OK", openssl("verify", "-CAfile", caPem.toString(), demoPem.toString()).stdout()
        .strip());
    assertEquals(name("subject", caPem), name("issuer", demoPem), "the demo certificate is issued by the CA");
    assertEquals("UID=demo,O=p11ca Demo", name("subject", demoPem));
    assertTrue(firstRun.stdout().contains("quickstart: bootstrapping the demo user's first certificate"),
        firstRun.stdout());
  }

  @Test
  void firstRun_demoCertificateNamesTheCasCrlAndOcsp_andBothAnswerForIt() {
    String status = "http://localhost:" + statusPort;
    Path demoPem = data.resolve("demo/cert.pem");
    assertEquals(status + "/ocsp", openssl("x509", "-in", demoPem.toString(), "-noout", "-ocsp_uri").stdout()
        .strip());
    String crlDp = openssl("x509", "-in", demoPem.toString(), "-noout", "-ext", "crlDistributionPoints").stdout();
    assertTrue(crlDp.contains("URI:" + status + "/ca/ee/ca/getCRL"), crlDp);
    // The script asked as a relying party: openssl ocsp against the CA certificate, the CRL fetched and verified.
    assertTrue(firstRun.stdout().contains("quickstart: OCSP at " + status + "/ocsp: good"), firstRun.stdout());
    assertTrue(firstRun.stdout().contains("quickstart: CRL at " + status + "/ca/ee/ca/getCRL: signed by the CA,"
        + " 0 revoked"), firstRun.stdout());
  }

  @Test
  void serverLog_recordsTheDemoEnrollmentAsOneAccessLogLine() throws IOException {
    // Whichever run wrote the log last (each run starts it afresh), its enrollment is one line, in UTC.
    List<String> lines = Files.readAllLines(data.resolve("server.log"));
    Pattern enrollment = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"
        + " INFO p11ca\\.access: \\S+ \"UID=demo,O=p11ca Demo\""
        + " \"POST /ca/ee/ca/profileSubmitUserSignedCMCFull HTTP/1\\.[01]\" 200 \\d+ \\d+ \\d+ms");
    assertTrue(lines.stream().anyMatch(line -> enrollment.matcher(line).matches()), String.join("\n", lines));
  }

  @Test
  void firstRun_stopsTheServerItStarted() throws Exception {
    assertTrue(firstRun.stdout().contains("quickstart: stopped the CA (--once)"), firstRun.stdout());
    assertNoServerFor(firstRun);
    // A graceful stop signs the final audit checkpoint: every record is then under a signature.
    Processes.Result verify = Processes.run(softhsmEnv(), Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-jar",
        Processes.repo().resolve("server/target/p11ca-server.jar").toString(), "audit-verify", "--config",
        config.toString()).requireSuccess();
    assertTrue(verify.stdout().contains("is intact"), verify.stdout());
    assertFalse(verify.stdout().contains("warning"), verify.stdout());
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void secondRun_reusesTheTokenAndDemoUser_andEnrollsAgain() throws Exception {
    byte[] caBefore = Files.readAllBytes(data.resolve("ca.pem"));
    String serialBefore = serial(data.resolve("demo/cert.pem"));

    Processes.Result second = quickstart();

    assertTrue(second.stdout().contains("already initialized; nothing changed"), second.stdout());
    assertFalse(second.stdout().contains("bootstrapping"), "the demo user is reused:\n" + second.stdout());
    assertArrayEquals(caBefore, Files.readAllBytes(data.resolve("ca.pem")), "the CA certificate is unchanged");
    Path demoPem = data.resolve("demo/cert.pem");
    assertEquals(demoPem + ": OK", openssl("verify", "-CAfile", data.resolve("ca.pem").toString(),
        demoPem.toString()).stdout().strip());
    assertNotEquals(serialBefore, serial(demoPem), "a new demo certificate was issued");
    try (Stream<Path> runs = Files.list(data.resolve("demo"))) {
      assertEquals(2, runs.filter(p -> p.getFileName().toString().startsWith("enroll-")).count(),
          "one enrollment per run");
    }
    assertTrue(second.stdout().contains("quickstart: stopped the CA (--once)"), second.stdout());
    assertNoServerFor(second);
  }

  private String serial(Path pem) {
    return openssl("x509", "-in", pem.toString(), "-noout", "-serial").stdout().strip();
  }

  /** No process serves this data directory's config any more, and the port the script printed is closed. */
  private void assertNoServerFor(Processes.Result run) throws IOException {
    List<String> servers = ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
        .map(p -> p.info().commandLine().orElse("")).filter(c -> c.contains(config.toString())).toList();
    assertEquals(List.of(), servers, "no process left running with " + config);
    Matcher listening = LISTENING.matcher(run.stdout());
    assertTrue(listening.find(), run.stdout());
    int port = Integer.parseInt(listening.group(1));
    assertTrue(port > 0, "P11CA_PORT=0 gives an ephemeral port, and the script prints the real one");
    for (int closed : new int[] {port, statusPort}) {
      try (Socket s = new Socket()) {
        assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", closed), 5000),
            "nothing listens on port " + closed + " after the script exits");
      }
    }
  }
}
