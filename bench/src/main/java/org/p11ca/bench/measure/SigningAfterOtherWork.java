package org.p11ca.bench.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.p11ca.hsm.SigningTally;

/**
 * What one signature costs on a software token when the core did something else just before it, against signatures
 * made back to back: the CPU inside the library's sign call (the token's signing tally), one thread, alternating
 * between no gap and a gap of other work before every signature, of two kinds that bound what the CA's own work
 * does to the core ({@link OtherWork}).
 *
 * <p>Why: the CA never signs back to back. Between its two signatures of an issuance the core runs about a
 * millisecond of the CA's own Java, and a signature made after that costs more than one made right after another:
 * OpenSSL's RSA runs on AVX-512 and its P-256 on AVX2, whose units power down when unused for a fraction of a
 * millisecond, and the caches hold the CA's data instead of the signature's. {@code bench.sh cmc} shows the
 * difference as the server's {@code server_signing_extra_ms}; this brackets it with the token alone, nothing of the
 * CA around it (bench hsm and bench cmc both print it). On an HSM, which signs on its own hardware, all of these
 * are near zero.
 */
public final class SigningAfterOtherWork {

  /** The CA's own work between two signatures of an issuance is of this order (bench.sh cmc, 2 cores). */
  public static final Duration OTHER_WORK = Duration.ofMillis(1);

  private final Supplier<SigningTally> tally;
  private final Runnable sign;
  private final int signaturesPerSpan;
  /** Consumed, so the gap's loop is not compiled away. */
  private long sink;
  /** Written by {@link OtherWork#MEMORY}, allocated on first use. */
  private long[] swept;
  private int sweepAt;

  /**
   * @param tally reads the token's cumulative signing tally
   * @param sign makes one signature on that token
   * @param signaturesPerSpan signatures per timed span (each span is one repeat of one gap)
   */
  public SigningAfterOtherWork(Supplier<SigningTally> tally, Runnable sign, int signaturesPerSpan) {
    this.tally = Objects.requireNonNull(tally);
    this.sign = Objects.requireNonNull(sign);
    if (signaturesPerSpan < 1) {
      throw new IllegalArgumentException("at least one signature per span");
    }
    this.signaturesPerSpan = signaturesPerSpan;
  }

  /** What the thread does for {@link #OTHER_WORK} before a signature. */
  public enum OtherWork {
    /** Integer arithmetic on registers: the vector units idle, the caches untouched (a lower bound). */
    REGISTERS,
    /**
     * The same while writing through {@link #SWEPT_BYTES}, more than a core's L2 here (2.5 MiB): the caches the
     * signature finds are someone else's (an upper bound; the CA's own Java touches less).
     */
    MEMORY
  }

  static final int SWEPT_BYTES = 8 << 20;

  /** CPU per signature in ms: median, min and max over the repeats. */
  public record Cost(double medianMillis, double minMillis, double maxMillis) {
  }

  /** Back to back, and after each kind of {@link #OTHER_WORK}: each the median of the repeats' spans. */
  public record Result(Cost backToBack, Cost afterRegisters, Cost afterMemory) {

    /** What a signature costs more after the vector units idled than back to back. */
    public double extraAfterRegistersMillis() {
      return afterRegisters.medianMillis() - backToBack.medianMillis();
    }

    /** What a signature costs more after its caches were replaced too. */
    public double extraAfterMemoryMillis() {
      return afterMemory.medianMillis() - backToBack.medianMillis();
    }

    /** One {@code interleave ...} line: the three costs, then the two extras. */
    public String line(String backend, String op) {
      long gap = OTHER_WORK.toMillis();
      return String.format(Locale.ROOT, "interleave backend=%s op=%s back_to_back_ms=%s after_%dms_registers_ms=%s"
          + " after_%dms_memory_ms=%s extra_registers_ms=%.3f extra_memory_ms=%.3f", backend, op, text(backToBack),
          gap, text(afterRegisters), gap, text(afterMemory), extraAfterRegistersMillis(), extraAfterMemoryMillis());
    }

    private static String text(Cost c) {
      return String.format(Locale.ROOT, "%.3f(%.3f..%.3f)", c.medianMillis(), c.minMillis(), c.maxMillis());
    }
  }

  public Result measure(int repeats) {
    if (repeats < 1) {
      throw new IllegalArgumentException("at least one repeat");
    }
    List<Double> backToBack = new ArrayList<>();
    List<Double> afterRegisters = new ArrayList<>();
    List<Double> afterMemory = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      backToBack.add(span(Optional.empty()));
      afterRegisters.add(span(Optional.of(OtherWork.REGISTERS)));
      afterMemory.add(span(Optional.of(OtherWork.MEMORY)));
    }
    return new Result(cost(backToBack), cost(afterRegisters), cost(afterMemory));
  }

  /** Thread CPU per signature in ms over one span, each signature preceded by {@code work} when present. */
  private double span(Optional<OtherWork> work) {
    // One untimed signature first, so that the first timed one of a back-to-back span follows a signature too.
    sign.run();
    long cpu = 0;
    long signatures = 0;
    for (int i = 0; i < signaturesPerSpan; i++) {
      work.ifPresent(this::otherWork);
      SigningTally before = tally.get();
      sign.run();
      SigningTally one = tally.get().since(before);
      cpu += one.threadCpuNanos();
      signatures += one.signatures();
    }
    if (signatures != signaturesPerSpan) {
      throw new IllegalStateException("the token tallied " + signatures + " signatures for " + signaturesPerSpan
          + " made: its tally does not count these signatures");
    }
    return cpu / 1e6 / signatures;
  }

  private void otherWork(OtherWork work) {
    long deadline = System.nanoTime() + OTHER_WORK.toNanos();
    long x = sink | 1;
    long[] swept = work == OtherWork.MEMORY ? sweep() : null;
    while (System.nanoTime() < deadline) {
      for (int k = 0; k < 256; k++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
        if (swept != null) {
          // One write per 64-byte line, carrying on where the last gap stopped.
          swept[sweepAt] = x;
          sweepAt = (sweepAt + 8) & (swept.length - 1);
        }
      }
    }
    sink = x;
  }

  private long[] sweep() {
    if (swept == null) {
      swept = new long[SWEPT_BYTES / Long.BYTES];
    }
    return swept;
  }

  private static Cost cost(List<Double> perSpan) {
    double[] sorted = perSpan.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Cost(median, sorted[0], sorted[n - 1]);
  }
}
