package org.p11ca.bench.measure;

/** A {@link TrialKey} with the work to time for it. */
public record Trial(TrialKey key, Operation operation) {

  public static Trial of(String backend, String operation, int threads, Operation body) {
    return new Trial(new TrialKey(backend, operation, threads), body);
  }
}
