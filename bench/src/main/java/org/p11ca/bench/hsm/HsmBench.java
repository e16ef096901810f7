package org.p11ca.bench.hsm;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.p11ca.bench.BenchOptions;
import org.p11ca.bench.measure.InterleavedRounds;
import org.p11ca.bench.measure.Measurement;
import org.p11ca.bench.measure.Outcome;
import org.p11ca.bench.measure.SigningAfterOtherWork;
import org.p11ca.bench.measure.ThroughputMeter;
import org.p11ca.bench.measure.Trial;
import org.p11ca.bench.measure.TrialKey;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.pkcs11.Pkcs11Token;

/**
 * `bench hsm`: token operations per second on a fresh SoftHSM token, per backend and algorithm, with 1 and 2
 * threads sharing one Token; then the two design facts measured in the same run (opening a Token costs a login;
 * a token object costs storage that a session object does not).
 */
public final class HsmBench {

  private static final List<Backend> BACKENDS = List.of(Backend.SUN, Backend.IAIK);
  private static final List<Integer> THREAD_COUNTS = List.of(1, 2);
  private static final int MAX_THREADS = 2;
  private static final String TOKEN_OBJECT = "create-destroy-aes256-token-object";
  private static final String SESSION_OBJECT = "create-destroy-aes256-session-object";
  private static final Backend OBJECT_BACKEND = Backend.IAIK;
  /** The server's backend for the CA key. */
  private static final Backend INTERLEAVE_BACKEND = Backend.IAIK;

  private final BenchOptions options;
  private final PrintStream out;
  private final HsmResults results = new HsmResults();

  /** @param out where results go; nothing else should write to it */
  public HsmBench(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** @return the process exit status: 0, or 1 when an operation failed or the token could not be set up */
  public int run() {
    Optional<String> refusal = refusalToTouchTokens();
    if (refusal.isPresent()) {
      System.err.println("bench hsm: " + refusal.get());
      return 1;
    }
    out.printf(Locale.ROOT, "# bench hsm: library=%s threads=%s warmup=%.1fs repeats=%s (median, min..max)%n",
        options.library(), THREAD_COUNTS, options.warmup().toMillis() / 1000.0, options.repeatsLabel());
    out.println("# SOFTHSM2_CONF=" + System.getenv("SOFTHSM2_CONF"));
    ExecutorService workers = Executors.newFixedThreadPool(MAX_THREADS, namedDaemonThreads());
    Map<Backend, Token> tokens = new EnumMap<>(Backend.class);
    HsmReport report = new HsmReport(out, results, options.repeatsLabel(), BACKENDS, THREAD_COUNTS);
    try {
      InterleavedRounds rounds = new InterleavedRounds(new ThroughputMeter(workers, MAX_THREADS), options.warmup(),
          options.measurement(), options.repeats());
      long setupStart = System.nanoTime();
      BenchToken shared = BenchToken.initialize(options.library(), "p11ca-bench");
      BenchToken loginOnly = BenchToken.initialize(options.library(), "p11ca-bench-login");
      for (Backend backend : BACKENDS) {
        tokens.put(backend, openSharedByThreads(shared, backend));
      }
      BenchKeys.generate(tokens.get(Backend.IAIK));
      GcmNonceSequence nonces = new GcmNonceSequence();
      Map<Backend, TokenOperations> operations = new EnumMap<>(Backend.class);
      tokens.forEach((b, t) -> operations.put(b, new TokenOperations(t, BenchKeys.find(t), nonces)));
      out.printf(Locale.ROOT, "# setup: 2 tokens initialized, 6 keys generated in %.1f s%n",
          (System.nanoTime() - setupStart) / 1e9);

      List<String> throughputOps = measureThroughputSet(operations, rounds, report);
      measureTokenOpening(new TokenOpening(loginOnly), rounds, report);
      measureObjectCreation(operations.get(OBJECT_BACKEND), rounds, report);
      measureSigningAfterOtherWork(tokens.get(INTERLEAVE_BACKEND));

      report.printSummary();
      report.printBackendAndThreadRatios(throughputOps);
      report.printCostRatio("login_ms/sign_ms", results.measurement(TokenOpening.BACKEND, TokenOpening.NAME, 1),
          results.measurement(TokenOpening.BACKEND, TokenOperations.SIGN_RSA2048, 1));
      report.printCostRatio("token_object/session_object", results.measurement(OBJECT_BACKEND, TOKEN_OBJECT, 1),
          results.measurement(OBJECT_BACKEND, SESSION_OBJECT, 1));
      if (results.anyFailed()) {
        System.err.println("bench hsm: some operations failed; see the 'failed:' lines");
        return 1;
      }
      return 0;
    } catch (HsmException e) {
      System.err.println("bench hsm: " + e.reason() + ": " + e.getMessage());
      return 1;
    } finally {
      tokens.values().forEach(Token::close);
      workers.shutdownNow();
      try {
        if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
          System.err.println("bench hsm: worker threads still running after shutdown");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * This benchmark initializes tokens, so it runs only where SOFTHSM2_CONF names a token directory made for it
   * (scripts/bench.sh makes a temporary one): never on the system's or a developer's tokens.
   */
  public static Optional<String> refusalToTouchTokens() {
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank()) {
      return Optional.of("SOFTHSM2_CONF is not set: run scripts/bench.sh hsm, which makes a temporary token"
          + " directory for the run");
    }
    if (!Files.isRegularFile(Path.of(conf))) {
      return Optional.of("SOFTHSM2_CONF names " + conf + ", which is not a file");
    }
    return Optional.empty();
  }

  private Token openSharedByThreads(BenchToken benchToken, Backend backend) {
    Token token = Pkcs11Library.open(benchToken.config(backend, MAX_THREADS));
    // With fewer sessions than threads, threads would queue for a session and the figure would measure the pool.
    if (token instanceof Pkcs11Token p && p.sessionPoolCapacity() < MAX_THREADS) {
      token.close();
      throw new HsmException(HsmException.Reason.SESSION_POOL_TIMEOUT, "token '" + benchToken.label()
          + "' allows only " + p.sessionPoolCapacity() + " sessions, fewer than the " + MAX_THREADS
          + " threads measured");
    }
    return token;
  }

  private List<String> measureThroughputSet(Map<Backend, TokenOperations> operations, InterleavedRounds rounds,
      HsmReport report) {
    Map<Backend, List<HsmOperation>> sets = new EnumMap<>(Backend.class);
    operations.forEach((b, ops) -> sets.put(b, ops.throughputSet()));
    List<String> names = sets.get(BACKENDS.get(0)).stream().map(HsmOperation::name).toList();
    for (int i = 0; i < names.size(); i++) {
      List<Trial> trials = new ArrayList<>();
      for (Backend backend : BACKENDS) {
        HsmOperation op = sets.get(backend).get(i);
        Optional<Outcome> refused = check(op);
        if (refused.isPresent()) {
          results.putForAllThreads(backend, op.name(), THREAD_COUNTS, refused.get());
          continue;
        }
        for (int threads : THREAD_COUNTS) {
          trials.add(Trial.of(HsmResults.backendName(backend), op.name(), threads, op.timed()));
        }
      }
      results.putAll(rounds.run(trials));
      report.printOperation(names.get(i));
    }
    return names;
  }

  private void measureTokenOpening(TokenOpening opening, InterleavedRounds rounds, HsmReport report) {
    HsmOperation op = opening.operation();
    Optional<Outcome> refused = check(op);
    if (refused.isPresent()) {
      results.put(new TrialKey(HsmResults.backendName(TokenOpening.BACKEND), op.name(), 1), refused.get());
    } else {
      results.putAll(rounds.run(List.of(Trial.of(HsmResults.backendName(TokenOpening.BACKEND), op.name(), 1,
          op.timed()))));
      if (!opening.eachOpenLoggedIn()) {
        results.invalidate(new TrialKey(HsmResults.backendName(TokenOpening.BACKEND), op.name(), 1),
            "a wrong PIN was accepted after the timed opens: the token stayed logged in, so C_Login was not timed");
      }
    }
    report.printOperation(op.name());
    Optional<Measurement> opened = results.measurement(TokenOpening.BACKEND, op.name(), 1);
    Optional<Measurement> signed = results.measurement(TokenOpening.BACKEND, TokenOperations.SIGN_RSA2048, 1);
    if (opened.isPresent() && signed.isPresent()) {
      report.printLoginCost(opened.get(), signed.get());
    }
  }

  private void measureObjectCreation(TokenOperations operations, InterleavedRounds rounds, HsmReport report) {
    List<Trial> trials = new ArrayList<>();
    for (HsmOperation op : List.of(operations.aesKeyCreation(TOKEN_OBJECT, true),
        operations.aesKeyCreation(SESSION_OBJECT, false))) {
      Optional<Outcome> refused = check(op);
      if (refused.isPresent()) {
        results.put(new TrialKey(HsmResults.backendName(OBJECT_BACKEND), op.name(), 1), refused.get());
      } else {
        trials.add(Trial.of(HsmResults.backendName(OBJECT_BACKEND), op.name(), 1, op.timed()));
      }
    }
    results.putAll(rounds.run(trials));
    report.printOperation(TOKEN_OBJECT);
    report.printOperation(SESSION_OBJECT);
    Optional<Measurement> tokenObjects = results.measurement(OBJECT_BACKEND, TOKEN_OBJECT, 1);
    Optional<Measurement> sessionObjects = results.measurement(OBJECT_BACKEND, SESSION_OBJECT, 1);
    if (tokenObjects.isPresent() && sessionObjects.isPresent()) {
      report.printObjectCost(OBJECT_BACKEND, tokenObjects.get(), sessionObjects.get());
    }
  }

  /**
   * One thread, RSA-2048 and P-256 (the CA key types bench cmc measures): a signature back to back against one after
   * a millisecond of other work, as the CA makes them ({@link SigningAfterOtherWork}). Not interleaved with the throughput rounds: one thread alone,
   * so that nothing else runs on its core between the signatures.
   */
  private void measureSigningAfterOtherWork(Token token) {
    if (token.signingTally().isEmpty()) {
      out.println("interleave backend=" + HsmResults.backendName(INTERLEAVE_BACKEND) + " unmeasured: the token"
          + " keeps no signing tally");
      return;
    }
    BenchKeys keys = BenchKeys.find(token);
    byte[] data = new byte[1024];
    new java.security.SecureRandom().nextBytes(data);
    record Signing(String op, KeyHandle key, SignatureAlgorithm algorithm, int perSpan) {
    }
    for (Signing s : List.of(
        new Signing(TokenOperations.SIGN_RSA2048, keys.rsa2048Signing(), SignatureAlgorithm.RSA_PKCS1_SHA256, 100),
        new Signing("sign-ecdsa-p256-sha256", keys.p256Signing(), SignatureAlgorithm.ECDSA_SHA256, 500))) {
      SigningAfterOtherWork.Result result = new SigningAfterOtherWork(() -> token.signingTally().orElseThrow(),
          () -> token.sign(s.key(), s.algorithm(), data), s.perSpan()).measure(options.repeats());
      out.println(result.line(HsmResults.backendName(INTERLEAVE_BACKEND), s.op()));
    }
  }

  /** Runs an operation's correctness check; empty when it passed, else why it will not be timed. */
  private static Optional<Outcome> check(HsmOperation op) {
    try {
      op.check().run();
      return Optional.empty();
    } catch (HsmException e) {
      if (e.reason() == HsmException.Reason.UNSUPPORTED_BY_BACKEND
          || e.reason() == HsmException.Reason.MECHANISM_UNSUPPORTED) {
        return Optional.of(new Outcome.Unsupported(e.getMessage()));
      }
      return Optional.of(new Outcome.Failed("check before timing: " + e.reason() + ": " + e.getMessage()));
    } catch (RuntimeException e) {
      return Optional.of(new Outcome.Failed("check before timing: " + e.getClass().getSimpleName() + ": "
          + e.getMessage()));
    }
  }

  private static java.util.concurrent.ThreadFactory namedDaemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "bench-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
