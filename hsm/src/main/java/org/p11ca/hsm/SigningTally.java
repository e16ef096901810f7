package org.p11ca.hsm;

/**
 * The signatures a token has made since it was opened, with the time they took inside the library's sign call on
 * the threads that asked for them: wall time, and thread CPU time. A software token (SoftHSM) signs on the caller's
 * CPU, so its thread CPU per signature is what a signature costs there, and comparing it between two processes shows
 * whether signing itself got dearer (caches, allocator) or only the work around it; an HSM signs on its own
 * hardware, so there the thread CPU stays near zero and the wall time is the device's. Cumulative: take the
 * difference of two readings ({@link #since}) for a span.
 */
public record SigningTally(long signatures, long wallNanos, long threadCpuNanos) {

  public static final SigningTally NONE = new SigningTally(0, 0, 0);

  public SigningTally {
    if (signatures < 0 || wallNanos < 0 || threadCpuNanos < 0) {
      throw new IllegalArgumentException("a tally cannot be negative: " + signatures + " signatures, " + wallNanos
          + " ns wall, " + threadCpuNanos + " ns CPU");
    }
  }

  /** Both tallies together: of two spans, or of two tokens. */
  public SigningTally plus(SigningTally other) {
    return new SigningTally(signatures + other.signatures, wallNanos + other.wallNanos,
        threadCpuNanos + other.threadCpuNanos);
  }

  /** What was tallied after {@code earlier}, a reading of the same token taken before this one. */
  public SigningTally since(SigningTally earlier) {
    return new SigningTally(signatures - earlier.signatures, wallNanos - earlier.wallNanos,
        threadCpuNanos - earlier.threadCpuNanos);
  }
}
