package org.p11ca.bench.cmc;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.p11ca.bench.measure.Measurement;

/**
 * The result lines of `bench cmc`: one `raw` line, one `cmc` line per concurrency, then one `ratio` line per
 * concurrency, each on a line of its own so that `grep '^ratio '` finds them.
 */
final class CmcReport {

  private final PrintStream out;
  private final CmcBenchOptions options;
  private final String transport;

  CmcReport(PrintStream out, CmcBenchOptions options, String transport) {
    this.out = out;
    this.options = options;
    this.transport = transport;
  }

  void print(Measurement raw, Map<Integer, List<IssuanceMeter.Round>> rounds) {
    String key = options.caKey().optionName();
    out.printf(Locale.ROOT, "raw ca_key=%s backend=iaik op=%s threads=%d ops_per_s=%.1f min=%.1f max=%.1f"
        + " repeats=%s%n", key, options.caKey().rawOperation(), options.sessions(), raw.median(), raw.min(),
        raw.max(), options.repeatsLabel());
    out.println("# cmc: issued_per_s counts only answers that are CMC SUCCESS with a certificate for the signer's"
        + " subject, the response and certificate signatures verified with the CA key (every answer, checked after"
        + " the clock stopped); p50/p99 over all rounds; loadgen_cpu = this JVM's process CPU time while the clock"
        + " ran (worker threads' TLS and HTTP, plus its GC/JIT), server_cpu = the server JVM's;"
        + " *_cores = CPU time / wall time (the machine has " + Runtime.getRuntime().availableProcessors() + ")");
    for (Map.Entry<Integer, List<IssuanceMeter.Round>> e : rounds.entrySet()) {
      List<IssuanceMeter.Round> rs = e.getValue();
      Measurement rate = new Measurement(rs.stream().map(IssuanceMeter.Round::issuedPerSecond).toList());
      long[] latencies = rs.stream().flatMapToLong(r -> Arrays.stream(r.latencyNanos())).sorted().toArray();
      long issued = rs.stream().mapToLong(IssuanceMeter.Round::issued).sum();
      double seconds = rs.stream().mapToDouble(IssuanceMeter.Round::seconds).sum();
      long loadCpu = rs.stream().mapToLong(IssuanceMeter.Round::loadGeneratorCpuNanos).sum();
      long serverCpu = rs.stream().mapToLong(r -> r.serverCpuNanos().orElse(0L)).sum();
      out.printf(Locale.ROOT, "cmc ca_key=%s transport=%s concurrency=%d issued_per_s=%.1f min=%.1f max=%.1f"
          + " p50_ms=%.1f p99_ms=%.1f issued=%d failed=0 tls_connections_per_round=%d"
          + " loadgen_cpu_ms_per_issue=%.3f loadgen_cpu_cores=%.2f server_cpu_ms_per_issue=%.3f"
          + " server_cpu_cores=%.2f repeats=%s%n",
          options.caKey().optionName(), transport, e.getKey(), rate.median(), rate.min(), rate.max(),
          percentileMillis(latencies, 0.50), percentileMillis(latencies, 0.99), issued, e.getKey(),
          loadCpu / 1e6 / Math.max(1, issued), loadCpu / 1e9 / seconds, serverCpu / 1e6 / Math.max(1, issued),
          serverCpu / 1e9 / seconds, options.repeatsLabel());
    }
    for (Map.Entry<Integer, List<IssuanceMeter.Round>> e : rounds.entrySet()) {
      double median = new Measurement(e.getValue().stream().map(IssuanceMeter.Round::issuedPerSecond).toList())
          .median();
      out.printf(Locale.ROOT, "ratio concurrency=%d issuance/raw=%.2f%n", e.getKey(), median / raw.median());
    }
    out.flush();
  }

  /** Nearest-rank percentile of sorted nanosecond latencies, in milliseconds. */
  static double percentileMillis(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }
}
