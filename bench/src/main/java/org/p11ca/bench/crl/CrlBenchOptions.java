package org.p11ca.bench.crl;

import java.nio.file.Path;
import java.util.List;
import org.p11ca.bench.BenchOptions;

/**
 * Options of `bench crl`. The defaults (1k, 10k and 100k revoked entries, 5 timed generations each after one
 * untimed) take about 15 seconds on two cores.
 *
 * @param sizes the revoked-entry counts measured, ascending: rows are added between sizes, never removed
 * @param repeats timed generations per size; the median is reported
 */
record CrlBenchOptions(List<Integer> sizes, int repeats, Path library) {

  static final List<Integer> DEFAULT_SIZES = List.of(1_000, 10_000, 100_000);

  CrlBenchOptions {
    sizes = List.copyOf(sizes);
    if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s < 0 || s > 1_000_000)) {
      throw new IllegalArgumentException("--sizes takes a comma-separated list of numbers 0..1000000");
    }
    for (int i = 1; i < sizes.size(); i++) {
      if (sizes.get(i) <= sizes.get(i - 1)) {
        throw new IllegalArgumentException("--sizes must be ascending (rows are added between sizes)");
      }
    }
    if (repeats < 1 || repeats > 100) {
      throw new IllegalArgumentException("--repeats must be 1..100");
    }
  }

  static CrlBenchOptions parse(String... args) {
    List<Integer> sizes = DEFAULT_SIZES;
    int repeats = 5;
    Path library = BenchOptions.SOFTHSM_LIBRARY;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--sizes" -> sizes = BenchOptions.integers(name, value);
        case "--repeats" -> repeats = BenchOptions.integer(name, value);
        case "--library" -> library = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    return new CrlBenchOptions(sizes, repeats, library);
  }
}
