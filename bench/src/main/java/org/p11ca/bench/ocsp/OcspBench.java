package org.p11ca.bench.ocsp;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.p11ca.bench.hsm.BenchToken;
import org.p11ca.bench.hsm.HsmBench;
import org.p11ca.bench.measure.InterleavedRounds;
import org.p11ca.bench.measure.Measurement;
import org.p11ca.bench.measure.Outcome;
import org.p11ca.bench.measure.ThroughputMeter;
import org.p11ca.bench.measure.Trial;
import org.p11ca.bench.measure.TrialKey;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.ocsp.OcspResponder;
import org.p11ca.ca.ocsp.OcspSettings;
import org.p11ca.ca.ocsp.ResponderKey;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;

/**
 * `bench ocsp`: OCSP responses per second from {@link OcspResponder} in this process (parse, one SQLite read, sign
 * on the token, verify the own signature, encode) over a fixed set of certificate rows, against the raw token sign
 * rate of the key that signs them (the CA key, RSA-2048 by default or P-256, or with {@code --responder-key} a
 * delegated responder's key certified by it), at each concurrency, in interleaved rounds of one run.
 * Each response is one signature, so 1.0 is the ceiling of the ratio; what is below it is the Java and database work
 * around the signature.
 */
public final class OcspBench {

  private static final String TOKEN_LABEL = "p11ca-bench-ocsp";
  private static final String BACKEND = "iaik";
  /** About the size of a one-CertID tbsResponseData with a nonce, which is what the responder has signed. */
  private static final int RAW_SIGN_BYTES = 200;
  private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

  private final OcspBenchOptions options;
  private final PrintStream out;

  private OcspBench(OcspBenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static int main(String[] args, PrintStream out) {
    OcspBenchOptions options;
    try {
      options = OcspBenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench ocsp: " + e.getMessage());
      return 2;
    }
    return new OcspBench(options, out).run();
  }

  private int run() {
    Optional<String> refusal = HsmBench.refusalToTouchTokens();
    if (refusal.isPresent()) {
      System.err.println("bench ocsp: " + refusal.get());
      return 1;
    }
    FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
    Path dataDir = Path.of(System.getenv("SOFTHSM2_CONF")).toAbsolutePath().getParent().resolve("ocsp-data");
    out.printf(Locale.ROOT, "# bench ocsp: ca_key=%s signer=%s backend=%s library=%s concurrency=%s warmup=%.1fs"
        + " repeats=%s (median, min..max)%n", options.caKey().optionName(), options.signerName(), BACKEND,
        options.library(), options.concurrency(), options.warmup().toMillis() / 1000.0, options.repeatsLabel());
    ExecutorService workers = Executors.newFixedThreadPool(options.maxThreads(), r -> {
      Thread t = new Thread(r, "bench-ocsp-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      Files.createDirectories(dataDir);
      BenchToken benchToken = BenchToken.initialize(options.library(), TOKEN_LABEL);
      try (Token token = Pkcs11Library.open(benchToken.config(Backend.IAIK, options.maxThreads()))) {
        KeyHandle caKey = token.generateKeyPair(options.caKey().spec(),
            KeyAttributes.persistent("ca-signing", KeyUsage.SIGN));
        try (OcspFixture fixture = new OcspFixture(token, caKey, options.caKey().algorithm(), dataDir)) {
          OcspResponder responder = new OcspResponder(fixture.signer, fixture.certificates, OcspSettings.defaults(),
              Clock.systemUTC());
          KeyHandle signingKey = caKey;
          if (options.responderKey().isPresent()) {
            signingKey = token.generateKeyPair(options.responderKey().get().spec(),
                KeyAttributes.persistent("ocsp-signing", KeyUsage.SIGN));
            responder.delegateTo(ResponderKey.delegated(fixture.signer, token, signingKey,
                fixture.certifyResponder(token, signingKey)));
          }
          for (byte[] request : fixture.requests) {
            fixture.check(request, responder.respond(request));
          }
          out.printf(Locale.ROOT, "# setup: CA %s key on token '%s'%s, %d certificate rows (1 in 4 revoked), one"
              + " request each (SHA-1 CertID, 16-octet nonce); every response checked once (status, signature)%n",
              options.caKey().optionName(), TOKEN_LABEL, options.responderKey().map(k -> ", responses signed by a"
                  + " delegated responder's " + k.optionName() + " key with its caOCSPCert-like certificate attached")
                  .orElse(", responses signed by the CA key"), OcspFixture.CERTIFICATES);
          return measure(token, signingKey, responder, fixture.requests, workers);
        }
      }
    } catch (HsmException e) {
      System.err.println("bench ocsp: " + e.reason() + ": " + e.getMessage());
      return 1;
    } catch (CaException e) {
      System.err.println("bench ocsp: " + e.failInfo() + ": " + e.detail());
      return 1;
    } catch (IOException | RuntimeException e) {
      System.err.println("bench ocsp: " + e);
      return 1;
    } finally {
      workers.shutdownNow();
    }
  }

  private int measure(Token token, KeyHandle signingKey, OcspResponder responder, List<byte[]> requests,
      ExecutorService workers) {
    byte[] tbs = new byte[RAW_SIGN_BYTES];
    AtomicInteger next = new AtomicInteger();
    List<Trial> trials = new ArrayList<>();
    for (int c : options.concurrency()) {
      trials.add(Trial.of(BACKEND, "raw-sign", c, () -> token.sign(signingKey, options.signingKey().algorithm(),
          tbs)));
      trials.add(Trial.of(BACKEND, "ocsp", c, () -> responder.respond(
          requests.get(Math.floorMod(next.getAndIncrement(), requests.size())))));
    }
    Map<TrialKey, Outcome> outcomes = new InterleavedRounds(new ThroughputMeter(workers, options.maxThreads()),
        options.warmup(), options.measurement(), options.repeats()).run(trials);
    boolean failed = false;
    for (Map.Entry<TrialKey, Outcome> e : outcomes.entrySet()) {
      TrialKey k = e.getKey();
      if (e.getValue() instanceof Outcome.Measured m) {
        Measurement s = m.measurement();
        out.printf(Locale.ROOT, "%s ca_key=%s signer=%s op=%s concurrency=%d ops_per_s=%.0f min=%.0f max=%.0f"
            + " ms_per_op=%.3f%n", k.operation().equals("ocsp") ? "ocsp" : "raw", options.caKey().optionName(),
            options.signerName(), k.operation(), k.threads(),
            s.median(), s.min(), s.max(), s.medianMillisPerOp());
      } else {
        failed = true;
        out.printf(Locale.ROOT, "failed: op=%s concurrency=%d %s%n", k.operation(), k.threads(), e.getValue());
      }
    }
    for (int c : options.concurrency()) {
      Outcome raw = outcomes.get(new TrialKey(BACKEND, "raw-sign", c));
      Outcome ocsp = outcomes.get(new TrialKey(BACKEND, "ocsp", c));
      if (raw instanceof Outcome.Measured r && ocsp instanceof Outcome.Measured o) {
        out.printf(Locale.ROOT, "ratio concurrency=%d ocsp/raw=%.2f%n", c,
            o.measurement().median() / r.measurement().median());
      }
    }
    if (failed) {
      System.err.println("bench ocsp: some trials failed; see the 'failed:' lines");
    }
    return failed ? 1 : 0;
  }
}
