package org.p11ca.bench.cmc;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.p11ca.bench.measure.Measurement;
import org.p11ca.hsm.SigningTally;

/**
 * The result lines of `bench cmc`: one `raw` line, one `cmc` line per concurrency, one `ratio` line per
 * concurrency, each on a line of its own so that `grep '^ratio '` finds them, then one `cores` line per concurrency.
 */
final class CmcReport {

  private final PrintStream out;
  private final CmcBenchOptions options;
  private final String transport;

  private final int cores;

  CmcReport(PrintStream out, CmcBenchOptions options, String transport) {
    this(out, options, transport, Runtime.getRuntime().availableProcessors());
  }

  /** @param cores the machine's cores, whose time per issuance the `cores` lines account for */
  CmcReport(PrintStream out, CmcBenchOptions options, String transport, int cores) {
    this.out = out;
    this.options = options;
    this.transport = transport;
    this.cores = cores;
  }

  /**
   * @param rawCpuMillisPerSign per raw repeat, the load generator's process CPU (where the token runs during the raw
   *     trial) per signature: the CPU one token signature costs on this machine
   * @param rawSigning per raw repeat, the bench token's signatures and the time they took inside the library;
   *     empty when this JVM cannot read thread CPU time
   */
  void print(Measurement raw, List<Double> rawCpuMillisPerSign, List<SigningTally> rawSigning,
      Map<Integer, List<IssuanceMeter.Round>> rounds) {
    String key = options.caKey().optionName();
    out.printf(Locale.ROOT, "raw ca_key=%s backend=iaik op=%s threads=%d ops_per_s=%.1f min=%.1f max=%.1f"
        + " repeats=%s%n", key, options.caKey().rawOperation(), options.sessions(), raw.median(), raw.min(),
        raw.max(), options.repeatsLabel());
    boolean inProcess = options.transport() == CmcBenchOptions.Transport.IN_PROCESS;
    out.println("# cmc: issued_per_s counts only answers that are CMC SUCCESS with a certificate for the signer's"
        + " subject, the response and certificate signatures verified with the CA key (every answer, checked after"
        + " the clock stopped); p50/p99 over all rounds; " + (inProcess
            ? "server_cpu = this JVM's process CPU time while the clock ran (the CA facade on the worker threads,"
                + " the token, GC/JIT; the load generator's own few steps per request are in it, so loadgen_cpu is 0)"
            : "loadgen_cpu = this JVM's process CPU time while the clock ran (worker threads' TLS and HTTP, plus its"
                + " GC/JIT), server_cpu = the server JVM's")
        + "; *_cores = CPU time / wall time (the machine has " + cores + ")");
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
          + " server_cpu_cores=%.2f subscriber_keys=%s subscriber_key_type=%s repeats=%s%n",
          options.caKey().optionName(), transport, e.getKey(), rate.median(), rate.min(), rate.max(),
          percentileMillis(latencies, 0.50), percentileMillis(latencies, 0.99), issued, inProcess ? 0 : e.getKey(),
          loadCpu / 1e6 / Math.max(1, issued), loadCpu / 1e9 / seconds, serverCpu / 1e6 / Math.max(1, issued),
          serverCpu / 1e9 / seconds, options.subscriberKeys().optionName(),
          options.subscriberKeyType().optionName(), options.repeatsLabel());
    }
    for (Map.Entry<Integer, List<IssuanceMeter.Round>> e : rounds.entrySet()) {
      double median = new Measurement(e.getValue().stream().map(IssuanceMeter.Round::issuedPerSecond).toList())
          .median();
      out.printf(Locale.ROOT, "ratio concurrency=%d issuance/raw=%.2f%n", e.getKey(), median / raw.median());
    }
    printCoreAccounts(median(rawCpuMillisPerSign), rawSigning, rounds);
    out.flush();
  }

  /**
   * One `cores` line per concurrency: where the machine's core time per issuance went, over all its rounds. With
   * s the CPU of one token signature (from the raw trial), the ratio is about s / (core time per issuance), so this
   * says what stands between the ratio and its ceiling of 0.5, and how small everything but the two signatures
   * would have to be for a target ratio.
   *
   * <p>Where both sides tallied their token's signatures, the server's other work is split further: a signature's
   * thread CPU inside the library in the server against the same in the raw trial says how much dearer signing
   * itself is amid the CA's work (caches, allocator: {@code server_signing_extra_ms}), and the rest is the CA's own
   * work around the signatures ({@code server_ca_work_ms}).
   */
  private void printCoreAccounts(double signMillis, List<SigningTally> rawSigning,
      Map<Integer, List<IssuanceMeter.Round>> rounds) {
    out.printf(Locale.ROOT, "# cores: the machine's core time per issuance (%d cores x wall time / issued) = the two"
        + " token signatures (2 x the raw trial's CPU per signature, %.3f ms) + the server's other work + the load"
        + " generator + other processes on the host + idle cores + steal (/proc/stat); other_budget_ms_for_0.35 is"
        + " what all but the signatures may cost for issuance/raw = 0.35 (s/0.35 - 2s). sign_cpu_raw_ms and"
        + " sign_cpu_server_ms: a signature's thread CPU inside the token library in the raw trial and in the CA;"
        + " server_signing_extra_ms = the CA's signatures per issuance x their difference (what signing itself costs"
        + " more amid the CA's work), server_ca_work_ms = server_other_ms - server_signing_extra_ms%n", cores,
        signMillis);
    Optional<SigningTally> raw = sum(rawSigning);
    for (Map.Entry<Integer, List<IssuanceMeter.Round>> e : rounds.entrySet()) {
      List<IssuanceMeter.Round> rs = e.getValue();
      long issued = Math.max(1, rs.stream().mapToLong(IssuanceMeter.Round::issued).sum());
      double coreMillis = cores * rs.stream().mapToDouble(IssuanceMeter.Round::seconds).sum() * 1000 / issued;
      double serverMillis = rs.stream().mapToLong(r -> r.serverCpuNanos().orElse(0L)).sum() / 1e6 / issued;
      double loadMillis = rs.stream().mapToLong(IssuanceMeter.Round::loadGeneratorCpuNanos).sum() / 1e6 / issued;
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
          "cores concurrency=%d core_ms_per_issue=%.3f signatures_ms=%.3f server_other_ms=%.3f loadgen_ms=%.3f",
          e.getKey(), coreMillis, 2 * signMillis, serverMillis - 2 * signMillis, loadMillis));
      if (rs.stream().allMatch(r -> r.machine().isPresent())) {
        double tick = ProcStat.NANOS_PER_TICK / 1e6 / issued;
        double busy = rs.stream().mapToLong(r -> r.machine().get().busy()).sum() * tick;
        line.append(String.format(Locale.ROOT, " other_processes_ms=%.3f idle_ms=%.3f steal_ms=%.3f",
            busy - serverMillis - loadMillis, rs.stream().mapToLong(r -> r.machine().get().idle()).sum() * tick,
            rs.stream().mapToLong(r -> r.machine().get().steal()).sum() * tick));
      }
      Optional<SigningTally> server = rs.stream().allMatch(r -> r.caSigning().isPresent())
          ? sum(rs.stream().map(r -> r.caSigning().get()).toList()) : Optional.empty();
      if (raw.isPresent() && server.isPresent()) {
        double rawSign = cpuMillisPerSignature(raw.get());
        double serverSign = cpuMillisPerSignature(server.get());
        double extra = (double) server.get().signatures() / issued * (serverSign - rawSign);
        line.append(String.format(Locale.ROOT, " sign_cpu_raw_ms=%.3f sign_cpu_server_ms=%.3f"
            + " server_signing_extra_ms=%.3f server_ca_work_ms=%.3f", rawSign, serverSign, extra,
            serverMillis - 2 * signMillis - extra));
      }
      line.append(String.format(Locale.ROOT, " other_budget_ms_for_0.35=%.3f", signMillis / 0.35 - 2 * signMillis));
      out.println(line);
    }
  }

  /** The tallies added up; empty when there are none or none has a signature. */
  private static Optional<SigningTally> sum(List<SigningTally> tallies) {
    SigningTally total = tallies.stream().reduce(SigningTally.NONE, SigningTally::plus);
    return total.signatures() == 0 ? Optional.empty() : Optional.of(total);
  }

  private static double cpuMillisPerSignature(SigningTally t) {
    return t.threadCpuNanos() / 1e6 / t.signatures();
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
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
