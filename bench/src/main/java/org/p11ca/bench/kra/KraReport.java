package org.p11ca.bench.kra;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.p11ca.bench.measure.Measurement;
import org.p11ca.bench.measure.Outcome;
import org.p11ca.bench.measure.TrialKey;

/**
 * The result lines of `bench kra`: a legend of what each operation is, one `kra ...` line per operation and thread
 * count, a `cost` line per thread count splitting an archive's time, then `ratio` lines. Every ratio is between
 * figures of this one run.
 */
final class KraReport {

  private final PrintStream out;
  private final KraBenchOptions options;

  KraReport(PrintStream out, KraBenchOptions options) {
    this.out = out;
    this.options = options;
  }

  void printLegend(List<KraOperation> tokenOps, KraOperation save) {
    for (KraOperation op : tokenOps) {
      out.println("# op=" + op.name() + ": " + op.description());
    }
    out.println("# op=" + save.name() + ": " + save.description());
    out.println("# an archive = 2 unwraps + 1 wrap + 1 attribute read + 2 destroys on the token, the raw unwrap = 1"
        + " unwrap + 1 destroy; the archive's figure leaves out the database (" + save.name() + ", printed apart:"
        + " one more fsync'd write transaction per archival in the enrollment), the CRMF parse, CMC and TLS");
    out.flush();
  }

  void printResults(Map<TrialKey, Outcome> outcomes, List<KraOperation> tokenOps, KraOperation save) {
    for (KraOperation op : tokenOps) {
      printOperation(outcomes, options.backendName(), op.name());
    }
    printOperation(outcomes, KraBench.DB_BACKEND, save.name());
    for (int threads : options.threads()) {
      Optional<Measurement> archive = measurement(outcomes, options.backendName(), KraOperations.ARCHIVE, threads);
      Optional<Measurement> sessionKey = measurement(outcomes, options.backendName(),
          KraOperations.UNWRAP_SESSION_KEY, threads);
      Optional<Measurement> privateKey = measurement(outcomes, options.backendName(),
          KraOperations.UNWRAP_PRIVATE_KEY, threads);
      Optional<Measurement> saved = measurement(outcomes, KraBench.DB_BACKEND, save.name(), threads);
      if (archive.isPresent() && sessionKey.isPresent() && privateKey.isPresent()) {
        double a = archive.get().medianMillisPerOp();
        double s = sessionKey.get().medianMillisPerOp();
        double p = privateKey.get().medianMillisPerOp();
        out.printf(Locale.ROOT, "cost threads=%d ms_per_archive=%.3f ms_per_unwrap_session_key=%.3f"
            + " ms_per_unwrap_private_key=%.3f ms_rest=%.3f (ms = 1/median rate; rest = archive - both unwraps,"
            + " about the storage wrap and the attribute read; with threads>1 the threads' work overlaps and rest"
            + " can come out near 0)%n", threads, a, s, p, a - s - p);
      }
      out.println("ratio threads=" + threads + " archive/raw-unwrap=" + ratio(archive, sessionKey));
      out.println("ratio threads=" + threads + " archive/both-unwraps=" + ratio(archive, backToBack(sessionKey,
          privateKey)) + " (both-unwraps = the two unwraps back to back: 1/(1/a+1/b))");
      out.println("ratio threads=" + threads + " archive+db-save/raw-unwrap=" + ratio(backToBack(archive, saved),
          sessionKey) + " (archive then its save back to back on the same threads)");
    }
    out.flush();
  }

  private void printOperation(Map<TrialKey, Outcome> outcomes, String backend, String operation) {
    String dimension = backend.equals(KraBench.DB_BACKEND) ? "db=" : "backend=";
    for (int threads : options.threads()) {
      Outcome outcome = outcomes.get(new TrialKey(backend, operation, threads));
      String prefix = "kra " + dimension + backend + " op=" + operation + " threads=" + threads;
      if (outcome instanceof Outcome.Measured m) {
        out.printf(Locale.ROOT, "%s ops_per_s=%.1f min=%.1f max=%.1f repeats=%s%n", prefix,
            m.measurement().median(), m.measurement().min(), m.measurement().max(), options.repeatsLabel());
      } else if (outcome instanceof Outcome.Unsupported u) {
        out.println(prefix + " unsupported: " + u.reason());
      } else if (outcome instanceof Outcome.Failed f) {
        out.println(prefix + " failed: " + f.reason());
      }
    }
  }

  private static Optional<Measurement> measurement(Map<TrialKey, Outcome> outcomes, String backend,
      String operation, int threads) {
    return outcomes.get(new TrialKey(backend, operation, threads)) instanceof Outcome.Measured m
        ? Optional.of(m.measurement()) : Optional.empty();
  }

  /** The rate of doing one of each back to back: times per operation add. */
  private static Optional<Measurement> backToBack(Optional<Measurement> a, Optional<Measurement> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Measurement(List.of(1 / (1 / a.get().median() + 1 / b.get().median()))));
  }

  private static String ratio(Optional<Measurement> numerator, Optional<Measurement> denominator) {
    if (numerator.isEmpty() || denominator.isEmpty()) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2f", numerator.get().median() / denominator.get().median());
  }
}
