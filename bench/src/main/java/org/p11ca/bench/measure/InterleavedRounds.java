package org.p11ca.bench.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures trials that will be compared with each other (sun vs iaik, 1 vs 2 threads, token vs session object) in
 * alternating rounds rather than one after the other: round r times every trial once, starting at a different
 * trial each round. Slow drift on a shared machine (a neighbour's build starting halfway) then lands on all of them
 * alike instead of on whichever ran last, which keeps their ratios honest.
 */
public final class InterleavedRounds {

  private final ThroughputMeter meter;
  private final Duration warmup;
  private final Duration measurement;
  private final int repeats;

  public InterleavedRounds(ThroughputMeter meter, Duration warmup, Duration measurement, int repeats) {
    this.meter = meter;
    this.warmup = warmup;
    this.measurement = measurement;
    this.repeats = repeats;
  }

  /** Every trial gets an outcome; a trial that throws is marked failed and left out of later rounds. */
  public Map<TrialKey, Outcome> run(List<Trial> trials) {
    Map<TrialKey, Outcome> outcomes = new LinkedHashMap<>();
    Map<TrialKey, List<Double>> samples = new LinkedHashMap<>();
    List<Trial> live = new ArrayList<>();
    for (Trial trial : trials) {
      if (warmup.isZero() || attempt(trial, warmup, outcomes) >= 0) {
        live.add(trial);
        samples.put(trial.key(), new ArrayList<>());
      }
    }
    for (int round = 0; round < repeats; round++) {
      int n = live.size();
      for (int i = 0; i < n; i++) {
        Trial trial = live.get((round + i) % n);
        if (outcomes.containsKey(trial.key())) {
          continue;
        }
        double rate = attempt(trial, measurement, outcomes);
        if (rate >= 0) {
          samples.get(trial.key()).add(rate);
        }
      }
    }
    // A trial that failed in a timed round keeps its failure, even with no sample to build a measurement from.
    samples.forEach((key, rates) -> {
      if (!outcomes.containsKey(key)) {
        outcomes.put(key, new Outcome.Measured(new Measurement(rates)));
      }
    });
    return outcomes;
  }

  /** The rate, or -1 after recording the trial as failed. */
  private double attempt(Trial trial, Duration duration, Map<TrialKey, Outcome> outcomes) {
    try {
      return meter.opsPerSecond(trial.operation(), trial.key().threads(), duration);
    } catch (RuntimeException e) {
      outcomes.put(trial.key(), new Outcome.Failed(oneLine(e)));
      return -1;
    }
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }
}
