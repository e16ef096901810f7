package org.p11ca.bench;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How long and how often to measure. Defaults keep a whole `bench.sh hsm` run at a few minutes on two cores: short
 * measurements, repeated, so a median survives a noisy neighbour.
 *
 * @param measurement the length of one timed repeat
 * @param repeats how many timed repeats each reported figure is the median of
 * @param warmup untimed running before the repeats: JIT compilation and opening pooled sessions
 * @param library the PKCS#11 library
 */
public record BenchOptions(Duration measurement, int repeats, Duration warmup, Path library) {

  public static final Path SOFTHSM_LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

  public BenchOptions {
    if (measurement.compareTo(Duration.ofMillis(100)) < 0 || measurement.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("--seconds must be 0.1..600");
    }
    if (repeats < 1 || repeats > 100) {
      throw new IllegalArgumentException("--repeats must be 1..100");
    }
    if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("--warmup must be 0..60 seconds");
    }
  }

  public static BenchOptions parse(String... args) {
    Duration measurement = Duration.ofSeconds(1);
    int repeats = 3;
    Duration warmup = Duration.ofMillis(500);
    Path library = SOFTHSM_LIBRARY;
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
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    return new BenchOptions(measurement, repeats, warmup, library);
  }

  /** "3x2s", as the result lines show it. */
  public String repeatsLabel() {
    return repeats + "x" + BigDecimal.valueOf(measurement.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
  }

  /** An option's value in seconds, e.g. 2 or 0.5; shared by every bench mode's options. */
  public static Duration seconds(String name, String value) {
    try {
      return Duration.ofMillis(new BigDecimal(value).movePointRight(3).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(name + " takes seconds, e.g. 2 or 0.5, not '" + value + "'");
    }
  }

  /** An option's value as a whole number. */
  public static int integer(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " takes a whole number, not '" + value + "'");
    }
  }

  /** An option's value as a comma-separated list of whole numbers. */
  public static java.util.List<Integer> integers(String name, String value) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (String part : value.split(",")) {
      out.add(integer(name, part.trim()));
    }
    return java.util.List.copyOf(out);
  }
}
