package org.p11ca.bench.hsm;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.p11ca.bench.measure.Measurement;
import org.p11ca.bench.measure.Outcome;
import org.p11ca.hsm.Backend;

/**
 * Prints results: one greppable line per measurement as soon as it is known, then a table for people and the
 * ratios. Ratios are computed only between figures of this one run, never against numbers from another day.
 */
final class HsmReport {

  private final PrintStream out;
  private final HsmResults results;
  private final String repeatsLabel;
  private final List<Backend> backends;
  private final List<Integer> threadCounts;

  HsmReport(PrintStream out, HsmResults results, String repeatsLabel, List<Backend> backends,
      List<Integer> threadCounts) {
    this.out = out;
    this.results = results;
    this.repeatsLabel = repeatsLabel;
    this.backends = backends;
    this.threadCounts = threadCounts;
  }

  /** The lines of one operation, per backend and thread count; an outcome shared by all thread counts once. */
  void printOperation(String operation) {
    for (Backend backend : backends) {
      Optional<Outcome> previous = Optional.empty();
      for (int threads : threadCounts) {
        Optional<Outcome> outcome = results.outcome(backend, operation, threads);
        if (outcome.isEmpty() || (outcome.equals(previous) && !(outcome.get() instanceof Outcome.Measured))) {
          continue;
        }
        String prefix = "hsm backend=" + HsmResults.backendName(backend) + " op=" + operation;
        if (outcome.get() instanceof Outcome.Measured m) {
          out.println(prefix + " threads=" + threads + " " + figures(m.measurement()));
        } else if (outcome.get() instanceof Outcome.Unsupported u) {
          out.println(prefix + " unsupported: " + u.reason());
        } else if (outcome.get() instanceof Outcome.Failed f) {
          boolean beforeTiming = threadCounts.size() > 1 && sharedByAllThreads(backend, operation, f);
          out.println(prefix + (beforeTiming ? "" : " threads=" + threads) + " failed: " + f.reason());
        }
        previous = outcome;
      }
    }
    out.flush();
  }

  private boolean sharedByAllThreads(Backend backend, String operation, Outcome outcome) {
    return threadCounts.stream().allMatch(t -> results.outcome(backend, operation, t).equals(Optional.of(outcome)));
  }

  private String figures(Measurement m) {
    return String.format(Locale.ROOT, "ops_per_s=%.1f min=%.1f max=%.1f repeats=%s", m.median(), m.min(), m.max(),
        repeatsLabel);
  }

  void printLoginCost(Measurement opening, Measurement signing) {
    out.printf(Locale.ROOT, "login backend=%s ms_per_open=%.3f ms_per_sign=%.3f (sign = %s, threads=1)%n",
        HsmResults.backendName(TokenOpening.BACKEND), opening.medianMillisPerOp(), signing.medianMillisPerOp(),
        TokenOperations.SIGN_RSA2048);
  }

  void printObjectCost(Backend backend, Measurement tokenObjects, Measurement sessionObjects) {
    out.printf(Locale.ROOT, "objects backend=%s token_object_ops_per_s=%.1f session_object_ops_per_s=%.1f"
        + " token_object_ms=%.3f session_object_ms=%.3f%n", HsmResults.backendName(backend), tokenObjects.median(),
        sessionObjects.median(), tokenObjects.medianMillisPerOp(), sessionObjects.medianMillisPerOp());
  }

  void printSummary() {
    out.println();
    out.println("summary: median ops/s over " + repeatsLabel + " ('-' unsupported, 'FAILED', blank not measured)");
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-44s", "op"));
    for (Backend b : backends) {
      for (int t : threadCounts) {
        header.append(String.format(Locale.ROOT, " %11s", HsmResults.backendName(b) + " t=" + t));
      }
    }
    out.println(header);
    for (String operation : results.operations()) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-44s", operation));
      for (Backend b : backends) {
        for (int t : threadCounts) {
          row.append(String.format(Locale.ROOT, " %11s", cell(results.outcome(b, operation, t))));
        }
      }
      out.println(row);
    }
    out.println();
  }

  private static String cell(Optional<Outcome> outcome) {
    if (outcome.isEmpty()) {
      return "";
    } else if (outcome.get() instanceof Outcome.Measured m) {
      return String.format(Locale.ROOT, "%.1f", m.measurement().median());
    }
    return outcome.get() instanceof Outcome.Unsupported ? "-" : "FAILED";
  }

  /** Ratios of ops/s: above 1 the first named is faster. */
  void printBackendAndThreadRatios(List<String> operations) {
    Backend first = backends.get(0);
    Backend second = backends.get(1);
    String pair = HsmResults.backendName(first) + "/" + HsmResults.backendName(second);
    for (String operation : operations) {
      for (int t : threadCounts) {
        out.println("ratio op=" + operation + " threads=" + t + " " + pair + "="
            + ratio(results.measurement(first, operation, t), results.measurement(second, operation, t)));
      }
    }
    int fewest = threadCounts.get(0);
    int most = threadCounts.get(threadCounts.size() - 1);
    for (Backend backend : backends) {
      for (String operation : operations) {
        out.println("ratio threads=" + most + "/" + fewest + " backend=" + HsmResults.backendName(backend) + " op="
            + operation + " = " + ratio(results.measurement(backend, operation, most),
            results.measurement(backend, operation, fewest)));
      }
    }
  }

  /** Ratios of time per operation: above 1 the first named costs more. */
  void printCostRatio(String name, Optional<Measurement> costlier, Optional<Measurement> cheaper) {
    // Time per op is the inverse of the rate, so cheaper's rate over costlier's rate.
    out.println("ratio " + name + "=" + ratio(cheaper, costlier));
  }

  private static String ratio(Optional<Measurement> numerator, Optional<Measurement> denominator) {
    if (numerator.isEmpty() || denominator.isEmpty()) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2f", numerator.get().median() / denominator.get().median());
  }
}
