package org.p11ca.bench.measure;

/** What one reported figure is about: an operation on one backend with a number of threads sharing it. */
public record TrialKey(String backend, String operation, int threads) {
}
