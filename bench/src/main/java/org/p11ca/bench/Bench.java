package org.p11ca.bench;

import java.util.Arrays;
import org.p11ca.bench.hsm.HsmBench;

/**
 * Entry point of the benchmarks that scripts/bench.sh runs. Benchmarks, not tests: they print throughput to compare
 * backends and configurations on one machine in one run, and fail only when an operation gives a wrong result.
 */
public final class Bench {

  static final String USAGE = """
      usage: java -jar p11ca-bench.jar <benchmark> [options]
        hsm   token operations per second, per backend and algorithm, with 1 and 2 threads
      options: --seconds S (per measurement) --repeats R --warmup S --library PATH""";

  private Bench() {
  }

  public static void main(String[] args) {
    String benchmark = args.length == 0 ? "" : args[0];
    if (!benchmark.equals("hsm")) {
      System.err.println(benchmark.isEmpty() ? USAGE : "bench: unknown benchmark '" + benchmark + "'\n" + USAGE);
      System.exit(2);
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(Arrays.copyOfRange(args, 1, args.length));
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    System.exit(new HsmBench(options, LibraryConsole.takeOverStandardOut()).run());
  }
}
