package org.p11ca.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A CA as an operator sets it up, run as separate processes: scripts/softhsm-init.sh makes the token, {@code p11ca
 * bootstrap} issues the first user (and agent) certificates, {@code p11ca serve} runs on an ephemeral port. The
 * subscriber side is {@code p11ca-cmc}, run as a process too. Nothing here shares code with the server.
 */
final class RunningCa implements AutoCloseable {

  /** JVM start, token login and the TLS certificate's first issuance; generous for a loaded 2-core machine. */
  static final long START_TIMEOUT_SECONDS = 90;

  final Path data;
  final Path config;
  final Path caPem;
  final Path passwordFile;
  private final Map<String, String> env;
  private Process server;
  private int port;
  private final List<String> serverOutput = new ArrayList<>();

  private RunningCa(Path data) throws IOException {
    this.data = data;
    this.config = data.resolve("p11ca.yaml");
    this.caPem = data.resolve("ca.pem");
    this.passwordFile = data.resolve("p12.pass");
    this.env = Map.of("SOFTHSM2_CONF", data.resolve("softhsm/softhsm2.conf").toString());
  }

  /** Token, config and database under {@code dir}; the server is not started yet. */
  /**
   * A profiles directory for {@code profilesDir:}: the profiles shipped in ca-core, plus {@code extra} (YAML
   * texts, each saved under its {@code id}).
   */
  static Path shippedProfilesAnd(Path dir, String... extra) throws IOException {
    Path profiles = Files.createDirectories(dir.resolve("profiles"));
    try (var shipped = Files.list(Processes.repo().resolve("ca-core/src/main/resources/org/p11ca/ca/profile"))) {
      for (Path p : shipped.toList()) {
        Files.copy(p, profiles.resolve(p.getFileName()));
      }
    }
    for (String yaml : extra) {
      String id = yaml.lines().filter(l -> l.startsWith("id:")).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("a profile without an id: line")).substring(3).strip();
      Files.writeString(profiles.resolve(id + ".yaml"), yaml);
    }
    return profiles;
  }

  static RunningCa prepare(Path dir, String extraConfig) throws IOException {
    return prepare(dir, "", extraConfig);
  }

  /**
   * As {@link #prepare(Path, String)}, with {@code extraHttpConfig} (lines indented by two spaces, e.g.
   * {@code "  maxBodyBytes: 65536\n"}) added to the {@code http} section, which a second {@code http:} key in
   * {@code extraConfig} cannot do: the config loader refuses duplicate keys.
   */
  static RunningCa prepare(Path dir, String extraHttpConfig, String extraConfig) throws IOException {
    RunningCa ca = new RunningCa(dir.resolve("p11ca-data"));
    Processes.run(Map.of(), "bash", "scripts/softhsm-init.sh", ca.data.toString()).requireSuccess();
    Files.writeString(ca.config, "dataDir: .\n"
        + "token:\n  label: p11ca\n  pinFile: softhsm/user.pin\n"
        + "http:\n  port: 0\n  tlsHostNames: [localhost]\n"
        + extraHttpConfig
        + "audit:\n  checkpointEveryRecords: 20\n"
        + extraConfig);
    Files.writeString(ca.passwordFile, "e2e-p12-password\n", StandardOpenOption.CREATE_NEW);
    return ca;
  }

  /**
   * A subscriber key in {@code name.p12} with a certificate for {@code subject} issued by {@code p11ca bootstrap}
   * (profile caFullCMCUserCert), stored with its key; {@code agent} also grants it the CA_AGENT role. Only while the
   * server is stopped: the audit log has one writer.
   */
  Path bootstrapUser(String name, String subject, boolean agent) {
    return bootstrapUser(name, subject, agent, "caFullCMCUserCert");
  }

  /** As {@link #bootstrapUser(String, String, boolean)}, issued with {@code profile} (one of the config's). */
  Path bootstrapUser(String name, String subject, boolean agent, String profile) {
    Path p12 = data.resolve(name + ".p12");
    Path csr = data.resolve(name + ".csr");
    Path cert = data.resolve(name + ".pem");
    cmc("pkcs10", "--new-key", "rsa:2048", "--key-p12", p12.toString(), "--password-file", passwordFile.toString(),
        "--subject", subject, "--out", csr.toString()).requireSuccess();
    List<String> bootstrap = new ArrayList<>(List.of("bootstrap", "--config", config.toString(), "--csr",
        csr.toString(), "--profile", profile, "--operator", "e2e-operator", "--out", cert.toString()));
    if (agent) {
      bootstrap.addAll(List.of("--agent", name));
    }
    p11ca(bootstrap.toArray(String[]::new)).requireSuccess();
    cmc("import-cert", "--key-p12", p12.toString(), "--password-file", passwordFile.toString(), "--cert",
        cert.toString(), "--chain", caPem.toString()).requireSuccess();
    return p12;
  }

  /** Starts {@code p11ca serve} and waits (bounded) for its "listening" line. */
  void start() throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(java(), "-jar", jar("server/target/p11ca-server.jar"), "serve",
        "--config", config.toString()).directory(Processes.repo().toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    server = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(reading the server's output failed: " + e + ")");
      } finally {
        lines.add(EOF);
      }
    }, "p11ca-server-output");
    reader.setDaemon(true);
    reader.start();
    Pattern listening = Pattern.compile("^p11ca: listening on https://localhost:(\\d+)$");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line == null) {
        continue;
      }
      if (line.equals(EOF)) {
        throw new AssertionError("the server exited during start:\n" + String.join("\n", serverOutput));
      }
      synchronized (serverOutput) {
        serverOutput.add(line);
      }
      Matcher m = listening.matcher(line);
      if (m.matches()) {
        port = Integer.parseInt(m.group(1));
        // Keep draining, so a chatty server can never block on a full pipe.
        Thread drain = new Thread(() -> {
          try {
            for (String l; !(l = lines.take()).equals(EOF); ) {
              synchronized (serverOutput) {
                serverOutput.add(l);
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "p11ca-server-drain");
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    server.destroyForcibly();
    throw new AssertionError("the server did not start within " + START_TIMEOUT_SECONDS + " s:\n"
        + String.join("\n", serverOutput));
  }

  private static final String EOF = "\u0000EOF";

  /** Everything the server printed so far (its log lines, the access log among them). */
  List<String> serverOutput() {
    synchronized (serverOutput) {
      return List.copyOf(serverOutput);
    }
  }

  /** The plain-HTTP base URL of the CRL and OCSP listener (http.statusPort), as the server announced it. */
  String statusUrl() {
    return serverOutput().stream().filter(l -> l.startsWith("p11ca: CRL and OCSP on http://")).findFirst()
        .orElseThrow(() -> new AssertionError("no status listener announced: " + serverOutput()))
        .replace("p11ca: CRL and OCSP on ", "");
  }

  String url(String path) {
    return "https://localhost:" + port + path;
  }

  int port() {
    return port;
  }

  /** SIGTERM and wait: the server stops gracefully and signs its final audit checkpoint. */
  void stop() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly();
        throw new AssertionError("the server did not stop within 60 s after SIGTERM");
      }
    }
  }

  /**
   * SIGKILL, as a power cut or the OOM killer would stop it: no shutdown hook, no final checkpoint, requests cut off
   * mid-way. Waits until the process is gone, so a restart finds the audit log's lock released.
   */
  void kill() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroyForcibly();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the server did not die within 30 s of SIGKILL");
      }
    }
  }

  /** TLS to this CA's server: trusts the CA certificate and nothing else, and sends no client certificate. */
  SSLContext tls() throws GeneralSecurityException, IOException {
    return tls(null);
  }

  /**
   * As {@link #tls()}, with the key and certificate of {@code clientP12} (protected by {@link #passwordFile}, as
   * {@link #bootstrapUser} writes them) as TLS client certificate; none when null.
   */
  SSLContext tls(Path clientP12) throws GeneralSecurityException, IOException {
    KeyManager[] keys = null;
    if (clientP12 != null) {
      char[] password = Files.readString(passwordFile).strip().toCharArray();
      KeyStore client = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(clientP12)) {
        client.load(in, password);
      }
      KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
      factory.init(client, password);
      keys = factory.getKeyManagers();
    }
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", certificate(caPem));
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(anchors);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys, trust.getTrustManagers(), null);
    return tls;
  }

  /** The X.509 certificate in a PEM or DER file. */
  static X509Certificate certificate(Path file) throws GeneralSecurityException, IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  Processes.Result cmc(String... args) {
    return tool("client/target/p11ca-cmc.jar", args);
  }

  Processes.Result p11ca(String... args) {
    return tool("server/target/p11ca-server.jar", args);
  }

  Processes.Result openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    return Processes.run(env, null, command);
  }

  private Processes.Result tool(String jar, String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar(jar)));
    command.addAll(List.of(args));
    return Processes.run(env, null, command);
  }

  Path auditLog() {
    return data.resolve("audit/audit.log");
  }

  /** The event text of each audit line (the {@code [AuditEvent=..]..} part), checkpoints included. */
  List<String> auditEvents() {
    try {
      return Files.readAllLines(auditLog()).stream().map(l -> l.split("\\|", -1)).filter(f -> f.length >= 5)
          .map(f -> f[3]).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String jar(String relative) {
    Path jar = Processes.repo().resolve(relative);
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar + " is missing: run the tests with 'mvn verify' (scripts/test.sh), which"
          + " packages the jars before the end-to-end tests run");
    }
    return jar.toString();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
