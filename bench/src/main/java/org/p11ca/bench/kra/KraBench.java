package org.p11ca.bench.kra;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.p11ca.bench.hsm.BenchToken;
import org.p11ca.bench.hsm.HsmBench;
import org.p11ca.bench.measure.FsyncProbe;
import org.p11ca.bench.measure.InterleavedRounds;
import org.p11ca.bench.measure.Outcome;
import org.p11ca.bench.measure.ThroughputMeter;
import org.p11ca.bench.measure.Trial;
import org.p11ca.bench.measure.TrialKey;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.kra.ArchivedKey;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.pkcs11.Pkcs11Token;

/**
 * `bench kra`: KRA key archival (KeyArchiver.archive) per second on a fresh SoftHSM token, next to the raw token
 * unwraps it is made of, measured in one run in interleaved rounds at each thread count; and, printed apart, the
 * database write an archival adds (JdbcArchivedKeyStore.save on SQLite in the run's temporary directory).
 *
 * <p>Setup (untimed): a token with a KRA transport RSA-2048 key (DECRYPT, UNWRAP) and a storage AES-256 key (WRAP,
 * UNWRAP); archival requests built in software as a client builds them; every operation checked once (the archived
 * key unwraps from storage to the request's public key). After timing, no session object may be left on the token.
 */
public final class KraBench {

  private static final String TOKEN_LABEL = "p11ca-bench-kra";
  private static final String TRANSPORT_LABEL = "kra-transport";
  private static final String STORAGE_LABEL = "kra-storage";
  /** Subscriber RSA-2048 key pairs, reused by the requests: generating them is slow and changes nothing timed. */
  private static final int SUBSCRIBER_KEYS = 16;
  /** Archival requests, each with its own session key, taken round-robin by the timed operations. */
  private static final int REQUESTS = 256;
  static final String DB_BACKEND = "sqlite";

  /**
   * Flyway logs each migration at INFO through java.util.logging, to stderr; held here so the level set on it stays
   * (JUL keeps loggers weakly).
   */
  private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

  private final KraBenchOptions options;
  private final PrintStream out;

  public KraBench(KraBenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Parses the options and runs; the process exit status. */
  public static int main(String[] args, PrintStream out) {
    KraBenchOptions options;
    try {
      options = KraBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench kra: " + e.getMessage());
      return 2;
    }
    return new KraBench(options, out).run();
  }

  public int run() {
    Optional<String> refusal = HsmBench.refusalToTouchTokens();
    if (refusal.isPresent()) {
      System.err.println("bench kra: " + refusal.get());
      return 1;
    }
    FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
    Path dataDir = Path.of(System.getenv("SOFTHSM2_CONF")).toAbsolutePath().getParent().resolve("kra-data");
    out.printf(Locale.ROOT, "# bench kra: backend=%s library=%s threads=%s warmup=%.1fs repeats=%s"
        + " (median, min..max)%n", options.backendName(), options.library(), options.threads(),
        options.warmup().toMillis() / 1000.0, options.repeatsLabel());
    ExecutorService workers = Executors.newFixedThreadPool(options.maxThreads(), namedDaemonThreads());
    try {
      Files.createDirectories(dataDir);
      out.printf(Locale.ROOT, "env data_dir=%s fsync_ms=%.3f (one 4 KiB write + fsync, median of 100)%n", dataDir,
          FsyncProbe.medianMillis(dataDir));
      long setupStart = System.nanoTime();
      BenchToken benchToken = BenchToken.initialize(options.library(), TOKEN_LABEL);
      try (Token token = openSharedByThreads(benchToken)) {
        KeyHandle transport = token.generateKeyPair(new KeyPairSpec.Rsa(2048),
            KeyAttributes.persistent(TRANSPORT_LABEL, KeyUsage.DECRYPT, KeyUsage.UNWRAP));
        KeyHandle storage = token.generateAesKey(256,
            KeyAttributes.persistent(STORAGE_LABEL, KeyUsage.WRAP, KeyUsage.UNWRAP));
        ArchivalRequests requests = ArchivalRequests.build(token.publicKey(transport), SUBSCRIBER_KEYS, REQUESTS);
        out.printf(Locale.ROOT, "# setup: token '%s' with transport RSA-2048 (DECRYPT, UNWRAP) and storage AES-256"
            + " (WRAP, UNWRAP) keys; %d subscriber RSA-2048 key pairs and %d archival requests built in software"
            + " (each its own AES-128 session key: RFC 5649 wrap of the PKCS#8, RSA PKCS#1 v1.5 to the transport"
            + " key, read back with ArchiveOptions.of) in %.1f s%n", TOKEN_LABEL, SUBSCRIBER_KEYS, requests.size(),
            (System.nanoTime() - setupStart) / 1e9);
        try (KraOperations operations = new KraOperations(token, transport, storage, requests)) {
          return measure(operations, dataDir, workers);
        }
      }
    } catch (HsmException e) {
      System.err.println("bench kra: " + e.reason() + ": " + e.getMessage());
      return 1;
    } catch (CaException e) {
      System.err.println("bench kra: " + e.failInfo() + ": " + e.detail());
      return 1;
    } catch (IOException | RuntimeException e) {
      System.err.println("bench kra: " + e);
      return 1;
    } finally {
      workers.shutdownNow();
    }
  }

  private int measure(KraOperations operations, Path dataDir, ExecutorService workers) {
    KraReport report = new KraReport(out, options);
    Map<TrialKey, Outcome> outcomes = new LinkedHashMap<>();
    List<Trial> trials = new ArrayList<>();
    List<KraOperation> tokenOps = operations.all();
    for (KraOperation op : tokenOps) {
      addTrials(op, options.backendName(), trials, outcomes);
    }
    long leftAfterChecks = operations.leftoverSessionObjects();
    if (leftAfterChecks != 0) {
      System.err.println("bench kra: the checks left " + leftAfterChecks + " session objects on the token");
      return 1;
    }
    ArchivedKey archived = operations.archiveOne();
    try (ArchivedKeySaves saves = new ArchivedKeySaves(dataDir, archived, Clock.systemUTC())) {
      KraOperation save = saves.operation();
      if (addTrials(save, DB_BACKEND, trials, outcomes)) {
        long start = System.nanoTime();
        double calibrated = saves.prepareRows(options.maxThreads(), options.threads().size(),
            options.timePerTrial());
        out.printf(Locale.ROOT, "# db: %d request rows made for the timed saves (calibrated %.0f saves/s at %d"
            + " threads, x%d) in %.1f s%n", saves.rowsMade(), calibrated, options.maxThreads(),
            ArchivedKeySaves.MARGIN, (System.nanoTime() - start) / 1e9);
      }
      report.printLegend(tokenOps, save);
      ThroughputMeter meter = new ThroughputMeter(workers, options.maxThreads());
      outcomes.putAll(new InterleavedRounds(meter, options.warmup(), options.measurement(), options.repeats())
          .run(trials));
      report.printResults(outcomes, tokenOps, save);
      out.printf(Locale.ROOT, "db rows_used=%d of %d%n", saves.rowsUsed(), saves.rowsMade());
    }
    long left = operations.leftoverSessionObjects();
    out.println("kra session_objects_left=" + left + (left == 0 ? " ok" : " NOT CLEANED UP"));
    boolean failed = outcomes.values().stream().anyMatch(o -> o instanceof Outcome.Failed);
    if (failed) {
      System.err.println("bench kra: some operations failed; see the 'failed:' lines");
    }
    return failed || left != 0 ? 1 : 0;
  }

  /** Checks the operation; queues a trial per thread count if it passed; else records why not. */
  private boolean addTrials(KraOperation op, String backend, List<Trial> trials, Map<TrialKey, Outcome> outcomes) {
    Optional<Outcome> refused = check(op);
    for (int threads : options.threads()) {
      if (refused.isPresent()) {
        outcomes.put(new TrialKey(backend, op.name(), threads), refused.get());
      } else {
        trials.add(Trial.of(backend, op.name(), threads, op.timed()));
      }
    }
    return refused.isEmpty();
  }

  /** Runs an operation's correctness check; empty when it passed, else why it will not be timed. */
  private static Optional<Outcome> check(KraOperation op) {
    try {
      op.check().run();
      return Optional.empty();
    } catch (HsmException e) {
      if (e.reason() == HsmException.Reason.UNSUPPORTED_BY_BACKEND
          || e.reason() == HsmException.Reason.MECHANISM_UNSUPPORTED) {
        return Optional.of(new Outcome.Unsupported(e.getMessage()));
      }
      return Optional.of(new Outcome.Failed("check before timing: " + e.reason() + ": " + e.getMessage()));
    } catch (CaException e) {
      return Optional.of(new Outcome.Failed("check before timing: " + e.failInfo() + ": " + e.detail()));
    } catch (RuntimeException e) {
      return Optional.of(new Outcome.Failed("check before timing: " + e.getClass().getSimpleName() + ": "
          + e.getMessage()));
    }
  }

  private Token openSharedByThreads(BenchToken benchToken) {
    Token token = Pkcs11Library.open(benchToken.config(options.backend(), options.maxThreads()));
    // With fewer sessions than threads, threads would queue for a session and the figure would measure the pool.
    if (token instanceof Pkcs11Token p && p.sessionPoolCapacity() < options.maxThreads()) {
      token.close();
      throw new HsmException(HsmException.Reason.SESSION_POOL_TIMEOUT, "token '" + benchToken.label()
          + "' allows only " + p.sessionPoolCapacity() + " sessions, fewer than the " + options.maxThreads()
          + " threads measured");
    }
    return token;
  }

  private static ThreadFactory namedDaemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "bench-kra-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
