package org.p11ca.bench;

import java.util.Arrays;
import org.p11ca.bench.cmc.CmcBench;
import org.p11ca.bench.cmc.CmcServerMain;
import org.p11ca.bench.crl.CrlBench;
import org.p11ca.bench.hsm.HsmBench;
import org.p11ca.bench.kra.KraBench;
import org.p11ca.bench.ocsp.OcspBench;

/**
 * Entry point of the benchmarks that scripts/bench.sh runs. Benchmarks, not tests: they print throughput to compare
 * backends and configurations on one machine in one run, and fail only when an operation gives a wrong result.
 */
public final class Bench {

  static final String USAGE = """
      usage: java -jar p11ca-bench.jar <benchmark> [options]
        hsm   token operations per second, per backend and algorithm, with 1 and 2 threads
              options: --seconds S (per measurement) --repeats R --warmup S --library PATH
        cmc   CMC issuance over HTTPS at several concurrencies vs the raw token sign rate, in one run
              options: --ca-key rsa2048|p256 --seconds S --repeats R --warmup S --concurrency 1,2,8,32
                       --sessions N (the server's token sessions = raw sign threads) --identities N --library PATH
        kra   KRA key archival (KeyArchiver.archive) vs the raw token unwrap it is made of, and the database save
              options: --seconds S --repeats R --warmup S --threads 1,2 --backend iaik|sun --library PATH
        ocsp  OCSP responses (OcspResponder in process) vs the raw token sign rate of the same CA key
              options: --ca-key rsa2048|p256 --seconds S --repeats R --warmup S --concurrency 1,2,8 --library PATH
        crl   full CRL generation time (CrlPublisher.generateNow) for 1k, 10k and 100k revoked entries
              options: --sizes 1000,10000,100000 --repeats R --library PATH""";

  private Bench() {
  }

  public static void main(String[] args) {
    String benchmark = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    if (benchmark.equals("cmc")) {
      System.exit(CmcBench.main(rest, LibraryConsole.takeOverStandardOut()));
    }
    if (benchmark.equals("kra")) {
      System.exit(KraBench.main(rest, LibraryConsole.takeOverStandardOut()));
    }
    if (benchmark.equals("crl")) {
      System.exit(CrlBench.main(rest, LibraryConsole.takeOverStandardOut()));
    }
    if (benchmark.equals("ocsp")) {
      System.exit(OcspBench.main(rest, LibraryConsole.takeOverStandardOut()));
    }
    if (benchmark.equals(CmcServerMain.COMMAND)) {
      // The server bench cmc starts in a JVM of its own (not a benchmark to run by hand).
      System.exit(CmcServerMain.run(rest, LibraryConsole.takeOverStandardOut()));
    }
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
