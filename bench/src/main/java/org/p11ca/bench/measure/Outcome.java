package org.p11ca.bench.measure;

/** What became of one trial: a measurement, or the one-line reason there is none. */
public sealed interface Outcome {

  record Measured(Measurement measurement) implements Outcome {
  }

  /** The backend or token cannot do the operation at all; reported, not an error. */
  record Unsupported(String reason) implements Outcome {
  }

  /** The operation gave a wrong result or an unexpected error: the run exits non-zero. */
  record Failed(String reason) implements Outcome {
  }
}
