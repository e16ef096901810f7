package org.p11ca.bench.kra;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.p11ca.bench.BenchOptions;
import org.p11ca.hsm.Backend;

/**
 * Options of `bench kra`. The defaults keep a run at about a minute on two cores: four operations (two raw unwraps,
 * the archive, the database save) at each thread count, interleaved in 3 rounds of 2 s after a 1 s warm-up each.
 *
 * @param threads the thread counts each operation is measured with; the Token's session pool has as many sessions
 *     as the largest, so no thread ever waits for a session
 * @param backend the PKCS#11 binding; iaik by default, as the server's
 */
record KraBenchOptions(Duration measurement, int repeats, Duration warmup, Path library, List<Integer> threads,
    Backend backend) {

  static final List<Integer> DEFAULT_THREADS = List.of(1, 2);

  KraBenchOptions {
    if (measurement.compareTo(Duration.ofMillis(100)) < 0 || measurement.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("--seconds must be 0.1..600");
    }
    if (repeats < 1 || repeats > 100) {
      throw new IllegalArgumentException("--repeats must be 1..100");
    }
    if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("--warmup must be 0..60 seconds");
    }
    threads = List.copyOf(threads);
    if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1 || t > 64)
        || threads.stream().distinct().count() != threads.size()) {
      throw new IllegalArgumentException("--threads takes a comma-separated list of distinct numbers 1..64");
    }
  }

  static KraBenchOptions parse(String... args) {
    Duration measurement = Duration.ofSeconds(2);
    int repeats = 3;
    Duration warmup = Duration.ofSeconds(1);
    Path library = BenchOptions.SOFTHSM_LIBRARY;
    List<Integer> threads = DEFAULT_THREADS;
    Backend backend = Backend.IAIK;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--seconds" -> measurement = seconds(name, value);
        case "--warmup" -> warmup = seconds(name, value);
        case "--repeats" -> repeats = integer(name, value);
        case "--library" -> library = Path.of(value);
        case "--threads" -> threads = integers(name, value);
        case "--backend" -> backend = switch (value.toLowerCase(Locale.ROOT)) {
          case "iaik" -> Backend.IAIK;
          case "sun" -> Backend.SUN;
          default -> throw new IllegalArgumentException("--backend must be iaik or sun, not '" + value + "'");
        };
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    return new KraBenchOptions(measurement, repeats, warmup, library, threads, backend);
  }

  int maxThreads() {
    return threads.stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  String backendName() {
    return backend.name().toLowerCase(Locale.ROOT);
  }

  /** "3x2s", as the result lines show it. */
  String repeatsLabel() {
    return repeats + "x" + BigDecimal.valueOf(measurement.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
  }

  /** Upper bound on the wall time one trial runs: its warm-up and all its timed repeats. */
  Duration timePerTrial() {
    return warmup.plus(measurement.multipliedBy(repeats));
  }

  private static Duration seconds(String name, String value) {
    try {
      return Duration.ofMillis(new BigDecimal(value).movePointRight(3).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(name + " takes seconds, e.g. 2 or 0.5, not '" + value + "'");
    }
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " takes a whole number, not '" + value + "'");
    }
  }

  private static List<Integer> integers(String name, String value) {
    List<Integer> out = new ArrayList<>();
    for (String part : value.split(",")) {
      out.add(integer(name, part.trim()));
    }
    return out;
  }
}
