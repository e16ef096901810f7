package org.p11ca.bench.cmc;

import org.p11ca.bench.CaKeyType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.p11ca.bench.hsm.BenchToken;
import org.p11ca.bench.hsm.HsmBench;
import org.p11ca.bench.measure.FsyncProbe;
import org.p11ca.bench.measure.Measurement;
import org.p11ca.bench.measure.SigningAfterOtherWork;
import org.p11ca.bench.measure.ThroughputMeter;
import org.p11ca.ca.audit.AuditLogVerifier;
import org.p11ca.ca.audit.VerificationResult;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.SigningTally;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.server.config.AuditSettings;
import org.p11ca.server.config.KeyLabels;

/**
 * `bench cmc`: end-to-end CMC issuance over HTTPS against the real server, compared in the same run with the raw
 * token sign rate (same key, same token, as many threads as the server has token sessions).
 *
 * <p>Setup (untimed): a fresh token with the CA key, a CA certificate, signer certificates issued by the operator
 * bootstrap, the server started in a JVM of its own, then loaded until its JIT compilers are quiet
 * ({@link #settle}). Then rounds: each round times the raw sign rate and every concurrency once, starting at a
 * different trial each round (as {@code InterleavedRounds} does), so drift on a shared machine lands on all of them
 * alike. Before each issuance trial the requests it will send are built and signed (untimed), and its connections
 * are opened and handshaken (untimed); after it, every answer is checked (untimed).
 *
 * <p>An issuance costs two token signatures (the certificate, then the response), so issuance/raw is at most 0.5.
 */
public final class CmcBench {

  private static final String TOKEN_LABEL = "p11ca-bench-cmc";
  private static final String RAW = "raw";
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
  /** The profile the user-signed endpoint issues under; the bench runs it with same-key renewal allowed. */
  static final String PROFILE = "caFullCMCUserSignedCert";
  /** The first rate guess, before the warm-up measured one; only sizes the warm-up's batch of requests. */
  private static final double FIRST_RATE_GUESS = 600;
  private static final Duration SETTLE_ROUND = Duration.ofSeconds(10);
  private static final int SETTLE_CONCURRENCY = 8;
  private static final double SETTLED_COMPILER_SHARE = 0.02;

  private final CmcBenchOptions options;
  private final PrintStream out;

  public CmcBench(CmcBenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Parses the options and runs; the process exit status. */
  public static int main(String[] args, PrintStream out) {
    CmcBenchOptions options;
    try {
      options = CmcBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench cmc: " + e.getMessage());
      return 2;
    }
    return new CmcBench(options, out).run();
  }

  public int run() {
    Optional<String> refusal = HsmBench.refusalToTouchTokens();
    if (refusal.isPresent()) {
      System.err.println("bench cmc: " + refusal.get());
      return 1;
    }
    CaKeyType type = options.caKey();
    Path work = Path.of(System.getenv("SOFTHSM2_CONF")).toAbsolutePath().getParent().resolve("cmc-"
        + type.optionName());
    Path dataDir = work.resolve("data");
    out.printf(Locale.ROOT, "# bench cmc: ca_key=%s transport=%s concurrency=%s token_sessions=%d"
        + " raw_threads=%d settle<=%.0fs warmup=%.1fs repeats=%s subscriber_keys=%s subscriber_key_type=%s"
        + " (median, min..max)%n",
        type.optionName(), options.transport().optionName(), options.concurrencies(), options.sessions(),
        options.sessions(),
        options.settle().toMillis() / 1000.0, options.warmup().toMillis() / 1000.0, options.repeatsLabel(),
        options.subscriberKeys().optionName(), options.subscriberKeyType().optionName());
    int maxConcurrency = options.concurrencies().stream().mapToInt(Integer::intValue).max().orElseThrow();
    ExecutorService workers = Executors.newFixedThreadPool(Math.max(maxConcurrency, options.sessions()),
        namedDaemonThreads());
    try {
      Files.createDirectories(dataDir);
      out.printf(Locale.ROOT, "env data_dir=%s fsync_ms=%.3f (one 4 KiB write + fsync, median of 100)%n", dataDir,
          FsyncProbe.medianMillis(work));
      long setupStart = System.nanoTime();
      BenchToken benchToken = BenchToken.initialize(options.library(), TOKEN_LABEL);
      Clock clock = Clock.systemUTC();
      try (Token token = Pkcs11Library.open(benchToken.config(Backend.IAIK, options.sessions()))) {
        BenchAuthority ca = BenchAuthority.create(token, type, clock);
        Path profilesDir = writeProfiles(work);
        Profiles profiles = ProfileLoader.load(profilesDir);
        List<BenchAuthority.Identity> identities;
        long counted = 0;
        try (ComposedCa composed = new ComposedCa(token, ca.caKey(), type, ca.caCertificate(), dataDir, profiles,
            clock)) {
          identities = BenchAuthority.bootstrapIdentities(composed.service(), options.identities(),
              options.subscriberKeyType());
          if (options.transport() == CmcBenchOptions.Transport.IN_PROCESS) {
            out.printf(Locale.ROOT, "# setup: token, CA (%s), %d signer certificates, %s, the CA facade (CmcService)"
                + " in this JVM on the bench's token, database and audit log in %s, in %.1f s: no HTTP, TLS or"
                + " loopback network%n", type.optionName(), identities.size(), subscriberKeysLabel(), dataDir,
                (System.nanoTime() - setupStart) / 1e9);
            counted = load(token, ca, identities, new CmcTransport.InProcess(composed.service()), () -> -1L,
                token::signingTally, () -> ProcStat.compilerCpuNanos(ProcessHandle.current().pid()), workers,
                maxConcurrency);
          }
        }
        if (options.transport() == CmcBenchOptions.Transport.HTTPS) {
          counted = overHttps(work, dataDir, profilesDir, benchToken, token, ca, identities, setupStart, workers,
              maxConcurrency);
        }
        long rows = printDurability(dataDir, identities.size(), counted);
        printAuditTrail(dataDir, token, rows);
      }
      return 0;
    } catch (HsmException e) {
      System.err.println("bench cmc: " + e.reason() + ": " + e.getMessage());
      return 1;
    } catch (IOException | RuntimeException e) {
      System.err.println("bench cmc: " + e);
      return 1;
    } finally {
      workers.shutdownNow();
    }
  }

  /** The real server in a JVM of its own, on the token and data directory set up here; the issuances counted. */
  private long overHttps(Path work, Path dataDir, Path profilesDir, BenchToken benchToken, Token token,
      BenchAuthority ca, List<BenchAuthority.Identity> identities, long setupStart, ExecutorService workers,
      int maxConcurrency) throws IOException {
    Path config = writeServerConfig(work, dataDir, profilesDir);
    try (ServerProcess server = ServerProcess.start(config, benchToken.userPin(), work.resolve("server.log"))) {
      if (!ServerProcess.extraJavaOptions().isEmpty()) {
        out.println("# NOT THE DEFAULT SERVER: its JVM runs with " + ServerProcess.JAVA_OPTIONS_VARIABLE + "="
            + String.join(" ", ServerProcess.extraJavaOptions()));
      }
      out.printf(Locale.ROOT, "# setup: token, CA (%s), %d signer certificates, %s, server pid %d on 127.0.0.1:%d"
          + " in %.1f s; server log %s%n", options.caKey().optionName(), identities.size(), subscriberKeysLabel(),
          server.pid(), server.port(), (System.nanoTime() - setupStart) / 1e9, work.resolve("server.log"));
      CmcTransport transport = new CmcTransport.Https(server.port(),
          KeepAliveHttps.trusting(BenchAuthority.jca(ca.caCertificate())));
      return load(token, ca, identities, transport, server::cpuNanos, server::signingTally,
          server::compilerCpuNanos, workers, maxConcurrency);
    }
  }

  /** Settles the CA, then measures every trial against it; returns the issuances counted. */
  private long load(Token token, BenchAuthority ca, List<BenchAuthority.Identity> identities, CmcTransport transport,
      LongSupplier serverCpuNanos, Supplier<Optional<SigningTally>> caSigning,
      Supplier<Optional<Long>> compilerCpuNanos, ExecutorService workers, int maxConcurrency) throws IOException {
    PreSignedRequests requests = new PreSignedRequests(identities, ca.caCertificate(), options.subscriberKeys(),
        options.subscriberKeyType());
    IssuanceMeter meter = new IssuanceMeter(workers, new IssuedResponse(ca.caCertificate()), serverCpuNanos,
        caSigning);
    byte[] tbsSized = identities.get(0).certificate().toASN1Structure().getTBSCertificate().getEncoded();
    long counted = settle(meter, transport, requests, compilerCpuNanos);
    return counted + measure(new ThroughputMeter(workers, Math.max(maxConcurrency, options.sessions())),
        () -> token.sign(ca.caKey(), options.caKey().algorithm(), tbsSized), token::signingTally, meter,
        transport, requests);
  }

  private String subscriberKeysLabel() {
    String type = options.subscriberKeyType().optionName();
    if (options.subscriberKeys() == SubscriberKeys.FRESH) {
      return "a " + type + " subscriber key per request that no other request has (--subscriber-keys fresh"
          + (options.subscriberKeyType() == SubscriberKeyType.RSA2048 ? ": RSA-2048 on pairs of pooled primes, each"
              + " pair once)" : ")");
    }
    return "one " + type + " subscriber key each renewed again and again (profile " + PROFILE + " with"
        + " renewal.allowSameKeyRenewal: true" + (options.subscriberKeyType() == SubscriberKeyType.RSA2048
            ? ": a fresh RSA key per request would cost the load generator ~100 ms" : "")
        + "; --subscriber-keys fresh gives each request its own)";
  }

  /**
   * Loads the CA in rounds of {@link #SETTLE_ROUND} at {@link #SETTLE_CONCURRENCY} until its JIT compiler
   * threads used under {@link #SETTLED_COMPILER_SHARE} of its CPU in a round, or {@code --settle} has passed: the
   * figures are then those of a CA that has been running, not of HotSpot still compiling it. Prints how it went;
   * returns the issuances counted.
   */
  private long settle(IssuanceMeter meter, CmcTransport transport, PreSignedRequests requests,
      Supplier<Optional<Long>> compilerCpuNanos) {
    if (options.settle().isZero()) {
      return 0;
    }
    if (compilerCpuNanos.get().isEmpty()) {
      out.println("# settle: skipped, no /proc to read the CA's compiler threads from");
      return 0;
    }
    long counted = 0;
    double share = 1;
    // One batch, sent again each round (PreSignedRequests.rewind): this load is not measured.
    requests.prepare(batch(2 * FIRST_RATE_GUESS, SETTLE_ROUND, SETTLE_CONCURRENCY));
    long startNanos = System.nanoTime();
    int rounds = 0;
    while (share >= SETTLED_COMPILER_SHARE && System.nanoTime() - startNanos < options.settle().toNanos()) {
      requests.rewind();
      long compilerBefore = compilerCpuNanos.get().orElseThrow();
      IssuanceMeter.Round r = meter.run(transport, SETTLE_CONCURRENCY, SETTLE_ROUND, requests);
      long compiler = compilerCpuNanos.get().orElseThrow() - compilerBefore;
      failIfFailed(r, "settle");
      counted += r.issued();
      share = r.serverCpuNanos().filter(n -> n > 0).map(n -> (double) compiler / n).orElse(0.0);
      rounds++;
    }
    out.printf(Locale.ROOT, "# settle: %d round%s of %ds at concurrency=%d; in the last, the CA's JIT"
        + " compilers used %.1f%% of its CPU (%s %.0f%%)%n", rounds, rounds == 1 ? "" : "s", SETTLE_ROUND.toSeconds(),
        SETTLE_CONCURRENCY,
        100 * share, share < SETTLED_COMPILER_SHARE ? "settled: under" : "NOT SETTLED within --settle: still over",
        100 * SETTLED_COMPILER_SHARE);
    return counted;
  }

  /** Interleaved rounds over the raw trial and every concurrency; prints the results; returns issuances counted. */
  private long measure(ThroughputMeter rawMeter, org.p11ca.bench.measure.Operation rawSign,
      Supplier<Optional<SigningTally>> rawSigning, IssuanceMeter meter, CmcTransport transport,
      PreSignedRequests requests) {
    List<String> trials = new ArrayList<>();
    trials.add(RAW);
    options.concurrencies().forEach(c -> trials.add(Integer.toString(c)));
    Map<Integer, Double> rateGuess = new LinkedHashMap<>();
    long counted = 0;
    if (!options.warmup().isZero()) {
      rawMeter.opsPerSecond(rawSign, options.sessions(), options.warmup());
      for (int c : options.concurrencies()) {
        requests.prepare(batch(FIRST_RATE_GUESS, options.warmup(), c));
        IssuanceMeter.Round r = meter.run(transport, c, options.warmup(), requests);
        counted += r.issued();
        failIfFailed(r, "warm-up");
        rateGuess.put(c, r.issuedPerSecond());
      }
    }
    List<Double> raw = new ArrayList<>();
    List<Double> rawCpuMillisPerSign = new ArrayList<>();
    List<SigningTally> rawTallies = new ArrayList<>();
    Map<Integer, List<IssuanceMeter.Round>> rounds = new LinkedHashMap<>();
    options.concurrencies().forEach(c -> rounds.put(c, new ArrayList<>()));
    for (int round = 0; round < options.repeats(); round++) {
      for (int i = 0; i < trials.size(); i++) {
        String trial = trials.get((round + i) % trials.size());
        if (trial.equals(RAW)) {
          long cpuBefore = OS.getProcessCpuTime();
          Optional<SigningTally> tallyBefore = rawSigning.get();
          double rate = rawMeter.opsPerSecond(rawSign, options.sessions(), options.measurement());
          rawSigning.get().flatMap(after -> tallyBefore.map(after::since)).ifPresent(rawTallies::add);
          // The token runs in this JVM and nothing else does during the raw trial; the operations are the rate
          // times the timed span, which the meter's worker start-up and join stretch by a few milliseconds only.
          rawCpuMillisPerSign.add((OS.getProcessCpuTime() - cpuBefore) / 1e6
              / (rate * options.measurement().toNanos() / 1e9));
          raw.add(rate);
          continue;
        }
        int c = Integer.parseInt(trial);
        requests.prepare(batch(Math.max(FIRST_RATE_GUESS, rateGuess.getOrDefault(c, FIRST_RATE_GUESS)),
            options.measurement(), c));
        IssuanceMeter.Round r = meter.run(transport, c, options.measurement(), requests);
        counted += r.issued();
        failIfFailed(r, "round " + (round + 1));
        if (r.ranOut()) {
          System.err.printf(Locale.ROOT, "bench cmc: concurrency=%d round %d used all %d pre-signed requests in"
              + " %.2f s; later rounds get more%n", c, round + 1, requests.prepared(), r.seconds());
          rateGuess.put(c, 2 * Math.max(rateGuess.getOrDefault(c, FIRST_RATE_GUESS), r.issuedPerSecond()));
        }
        rounds.get(c).add(r);
      }
    }
    new CmcReport(out, options, transport.name()).print(new Measurement(raw), rawCpuMillisPerSign, rawTallies,
        rounds);
    printSigningAfterOtherWork(rawSign, rawSigning);
    return counted;
  }

  /**
   * How much of server_signing_extra_ms the token shows alone: the raw trial's signature on one thread, back to
   * back against after a millisecond of other work, as the CA signs. Run after the rounds, with the CA idle.
   */
  private void printSigningAfterOtherWork(org.p11ca.bench.measure.Operation rawSign,
      Supplier<Optional<SigningTally>> rawSigning) {
    if (rawSigning.get().isEmpty()) {
      return;
    }
    SigningAfterOtherWork.Result result = new SigningAfterOtherWork(() -> rawSigning.get().orElseThrow(),
        rawSign::performOnce, options.caKey() == CaKeyType.P256 ? 500 : 100).measure(options.repeats());
    out.println("# interleave: the raw trial's signature on one thread, back to back, after 1 ms of register-only"
        + " work (the vector units idle) and after 1 ms that also swept 8 MiB (the caches replaced): with the token"
        + " alone, a lower and an upper bound for what a signature costs more inside the CA (server_signing_extra_ms"
        + " is that per issuance)");
    out.println(result.line("iaik", options.caKey().rawOperation()));
  }

  /** Requests for one trial: 1.5 times what the expected rate needs, and a margin for the first answers. */
  private static int batch(double rate, Duration duration, int concurrency) {
    return (int) Math.ceil(rate * duration.toMillis() / 1000.0 * 1.5) + 4 * concurrency + 50;
  }

  private static void failIfFailed(IssuanceMeter.Round r, String when) {
    if (r.failed() > 0) {
      throw new IllegalStateException("concurrency=" + r.concurrency() + " " + when + ": " + r.failed()
          + " requests were not issued; the first: " + r.firstFailure().orElse("?"));
    }
  }

  /**
   * After the CA has closed: every issuance the load generator counted must be an ISSUED row. The CA answers only
   * after the commit that holds the row (CaDatabase.write returns after it), so none may be missing.
   */
  private long printDurability(Path dataDir, int bootstrapped, long counted) {
    try (CaDatabase db = CaDatabase.openSqlite(dataDir)) {
      long rows = db.read("counting issued certificates", c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM certificate WHERE status = 'ISSUED'");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      });
      // The bootstrap's signer certificates are rows too, and so is the server's own TLS certificate when there is
      // a server.
      int setupRows = bootstrapped + (options.transport() == CmcBenchOptions.Transport.HTTPS ? 1 : 0);
      long expectedAtLeast = counted + setupRows;
      out.printf(Locale.ROOT, "db issued_rows=%d counted_issuances=%d bootstrap_and_tls=%d %s%n", rows, counted,
          setupRows, rows >= expectedAtLeast ? "ok" : "MISSING " + (expectedAtLeast - rows));
      long usedBytes = db.read("measuring the database", CmcBench::usedBytes);
      out.printf(Locale.ROOT, "db used_bytes=%d bytes_per_issued_row=%d (pages in use, the WAL's included, over"
          + " issued rows: what storing a certificate costs, its request and index entries with it)%n", usedBytes,
          rows == 0 ? 0 : usedBytes / rows);
      return rows;
    }
  }

  /**
   * The audit log the run wrote, with the files it rotated into (at 100 MiB by default, which a run of the default
   * length passes): what auditing an issuance costs on disk, and whether the whole trail, written under load,
   * verifies as one chain with the audit key.
   */
  private void printAuditTrail(Path dataDir, Token token, long issuedRows) {
    Path log = dataDir.resolve(AuditSettings.DEFAULT_FILE);
    java.security.PublicKey key = token.publicKey(token.requireKey(ObjectClass.PRIVATE_KEY,
        KeySelector.label(KeyLabels.DEFAULT_AUDIT)));
    AuditLogVerifier.TrailCheck trail = AuditLogVerifier.verifyTrail(log, key);
    long bytes = 0;
    long records = 0;
    for (AuditLogVerifier.FileCheck file : trail.files()) {
      try {
        bytes += Files.size(file.file());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      if (file.result() instanceof VerificationResult.Intact intact) {
        records += intact.records();
      }
    }
    String verdict = trail.intact() ? "intact" : "BROKEN " + trail.gap().orElseGet(() -> trail.files().stream()
        .filter(f -> !(f.result() instanceof VerificationResult.Intact)).findFirst()
        .map(f -> f.file().getFileName() + " " + f.result()).orElse("?"));
    out.printf(Locale.ROOT, "audit files=%d bytes=%d records=%d bytes_per_issued_row=%d trail=%s (the log and the"
        + " files it rotated into, verified as one chain with the audit key)%n", trail.files().size(), bytes, records,
        issuedRows == 0 ? 0 : bytes / issuedRows, verdict);
  }

  private static long usedBytes(java.sql.Connection c) throws java.sql.SQLException {
    return (pragma(c, "page_count") - pragma(c, "freelist_count")) * pragma(c, "page_size");
  }

  private static long pragma(java.sql.Connection c, String name) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement("PRAGMA " + name); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The shipped profiles, with {@link #PROFILE} allowing same-key renewal: each identity renews its one key
   * thousands of times, and every renewal still runs the key-history check (three index seeks) it runs in production.
   */
  private static Path writeProfiles(Path work) throws IOException {
    Path dir = Files.createDirectories(work.resolve("profiles"));
    for (String id : org.p11ca.ca.profile.ProfileLoader.DEFAULT_PROFILE_IDS) {
      String yaml;
      try (java.io.InputStream in = org.p11ca.ca.profile.ProfileLoader.class.getResourceAsStream(id + ".yaml")) {
        yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (id.equals(PROFILE)) {
        String patched = yaml.replace("allowSameKeyRenewal: false", "allowSameKeyRenewal: true");
        if (patched.equals(yaml)) {
          throw new IllegalStateException("profile " + PROFILE + " no longer says allowSameKeyRenewal: false;"
              + " update the bench");
        }
        yaml = patched;
      }
      Files.writeString(dir.resolve(id + ".yaml"), yaml, StandardCharsets.UTF_8);
    }
    return dir;
  }

  private Path writeServerConfig(Path work, Path dataDir, Path profilesDir) throws IOException {
    Path config = work.resolve("server.yaml");
    String yaml = "dataDir: " + dataDir + "\n"
        + "profilesDir: " + profilesDir + "\n"
        + "token:\n"
        + "  library: " + options.library() + "\n"
        + "  label: " + TOKEN_LABEL + "\n"
        + "  pinEnv: " + ServerProcess.PIN_VARIABLE + "\n"
        + "  backend: iaik\n"
        + "  sessionPoolSize: " + options.sessions() + "\n"
        + "http:\n"
        + "  host: 127.0.0.1\n"
        + "  port: 0\n"
        + "  tlsHostNames: [" + KeepAliveHttps.HOST_NAME + "]\n";
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    return config;
  }

  private static java.util.concurrent.ThreadFactory namedDaemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "bench-cmc-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
