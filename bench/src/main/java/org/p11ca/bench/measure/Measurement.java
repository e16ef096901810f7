package org.p11ca.bench.measure;

import java.util.List;

/**
 * The throughput samples of one trial, one per timed repeat. The median is the figure to compare: on a shared
 * two-core machine a neighbour's burst drags one repeat down, and the median ignores it where a mean would not.
 */
public record Measurement(List<Double> opsPerSecondSamples) {

  public Measurement {
    if (opsPerSecondSamples.isEmpty()) {
      throw new IllegalArgumentException("a measurement needs at least one sample");
    }
    opsPerSecondSamples = List.copyOf(opsPerSecondSamples);
  }

  public double median() {
    List<Double> sorted = opsPerSecondSamples.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  public double min() {
    return opsPerSecondSamples.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  public double max() {
    return opsPerSecondSamples.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** Milliseconds per operation at the median rate: for costs compared by time rather than by rate. */
  public double medianMillisPerOp() {
    return 1000.0 / median();
  }
}
