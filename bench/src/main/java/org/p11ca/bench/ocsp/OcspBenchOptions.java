package org.p11ca.bench.ocsp;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.p11ca.bench.BenchOptions;
import org.p11ca.bench.CaKeyType;

/**
 * Options of `bench ocsp`. The defaults (two trials at three concurrencies, 3 rounds of 2 s after a 1 s warm-up
 * each) keep a run under a minute on two cores.
 *
 * @param concurrency the numbers of threads answering at once; the token's session pool has as many sessions as
 *     the largest, so no thread waits for a session
 * @param caKey the CA key, which signs the responses (and the raw trial's signatures) unless a responder key is given
 * @param responderKey a delegated responder's key (RFC 6960 4.2.2.2), which then signs the responses and the raw
 *     trial's signatures under a certificate from the CA key
 */
record OcspBenchOptions(Duration measurement, int repeats, Duration warmup, Path library, List<Integer> concurrency,
    CaKeyType caKey, java.util.Optional<CaKeyType> responderKey) {

  OcspBenchOptions {
    java.util.Objects.requireNonNull(caKey);
    java.util.Objects.requireNonNull(responderKey);
    if (measurement.compareTo(Duration.ofMillis(100)) < 0 || measurement.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("--seconds must be 0.1..600");
    }
    if (repeats < 1 || repeats > 100) {
      throw new IllegalArgumentException("--repeats must be 1..100");
    }
    if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("--warmup must be 0..60 seconds");
    }
    concurrency = List.copyOf(concurrency);
    if (concurrency.isEmpty() || concurrency.stream().anyMatch(t -> t < 1 || t > 64)
        || concurrency.stream().distinct().count() != concurrency.size()) {
      throw new IllegalArgumentException("--concurrency takes a comma-separated list of distinct numbers 1..64");
    }
  }

  static OcspBenchOptions parse(String... args) {
    Duration measurement = Duration.ofSeconds(2);
    int repeats = 3;
    Duration warmup = Duration.ofSeconds(1);
    Path library = BenchOptions.SOFTHSM_LIBRARY;
    List<Integer> concurrency = List.of(1, 2, 8);
    CaKeyType caKey = CaKeyType.RSA2048;
    java.util.Optional<CaKeyType> responderKey = java.util.Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--seconds" -> measurement = BenchOptions.seconds(name, value);
        case "--warmup" -> warmup = BenchOptions.seconds(name, value);
        case "--repeats" -> repeats = BenchOptions.integer(name, value);
        case "--library" -> library = Path.of(value);
        case "--concurrency" -> concurrency = BenchOptions.integers(name, value);
        case "--ca-key" -> caKey = CaKeyType.parse(value);
        case "--responder-key" -> responderKey = java.util.Optional.of(CaKeyType.parse(name, value));
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    return new OcspBenchOptions(measurement, repeats, warmup, library, concurrency, caKey, responderKey);
  }

  /** What signs the responses, as the output lines name it: {@code ca} or {@code delegated-<type>}. */
  String signerName() {
    return responderKey.map(k -> "delegated-" + k.optionName()).orElse("ca");
  }

  /** The key whose signatures the responses cost, and so the raw trial's. */
  CaKeyType signingKey() {
    return responderKey.orElse(caKey);
  }

  int maxThreads() {
    return concurrency.stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  String repeatsLabel() {
    return repeats + "x" + BigDecimal.valueOf(measurement.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
  }
}
