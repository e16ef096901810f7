package org.p11ca.bench.hsm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.p11ca.bench.measure.Measurement;
import org.p11ca.bench.measure.Outcome;
import org.p11ca.bench.measure.TrialKey;
import org.p11ca.hsm.Backend;

/** Every outcome of the run, in the order measured, for the lines, the summary table and the ratios. */
final class HsmResults {

  private final Map<TrialKey, Outcome> outcomes = new LinkedHashMap<>();

  static String backendName(Backend backend) {
    return backend.name().toLowerCase(java.util.Locale.ROOT);
  }

  void put(TrialKey key, Outcome outcome) {
    outcomes.put(key, outcome);
  }

  void putAll(Map<TrialKey, Outcome> more) {
    outcomes.putAll(more);
  }

  /** The same outcome for every thread count: for what is decided before timing (unsupported, failed check). */
  void putForAllThreads(Backend backend, String operation, List<Integer> threadCounts, Outcome outcome) {
    threadCounts.forEach(t -> outcomes.put(new TrialKey(backendName(backend), operation, t), outcome));
  }

  /** Marks a measured trial failed after the fact, when a check after timing showed it measured the wrong thing. */
  void invalidate(TrialKey key, String reason) {
    outcomes.put(key, new Outcome.Failed(reason));
  }

  Optional<Outcome> outcome(Backend backend, String operation, int threads) {
    return Optional.ofNullable(outcomes.get(new TrialKey(backendName(backend), operation, threads)));
  }

  Optional<Measurement> measurement(Backend backend, String operation, int threads) {
    return outcome(backend, operation, threads)
        .flatMap(o -> o instanceof Outcome.Measured m ? Optional.of(m.measurement()) : Optional.empty());
  }

  List<String> operations() {
    return outcomes.keySet().stream().map(TrialKey::operation).distinct().toList();
  }

  boolean anyFailed() {
    return outcomes.values().stream().anyMatch(o -> o instanceof Outcome.Failed);
  }
}
