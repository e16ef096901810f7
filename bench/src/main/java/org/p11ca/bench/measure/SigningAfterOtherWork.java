package org.p11ca.bench.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.p11ca.hsm.SigningTally;

/**
 * What one signature costs on a software token when the core did something else just before it, against signatures
 * made back to back: the CPU inside the library's sign call (the token's signing tally), one thread, alternating
 * between no gap and a gap of scalar work before every signature.
 *
 * <p>Why: the CA never signs back to back. Between its two signatures of an issuance the core runs about a
 * millisecond of the CA's own Java, and on this host's CPUs a signature made after that costs more than one made
 * right after another (OpenSSL's RSA uses AVX-512 and its P-256 AVX2, and the wide vector units power down when
 * unused for a fraction of a millisecond). {@code bench.sh cmc} shows the difference as the server's
 * {@code server_signing_extra_ms}; this shows the token's own part of it, with nothing of the CA around it (bench
 * hsm and bench cmc both print it). On an HSM, which signs on its own hardware, both figures are near zero.
 */
public final class SigningAfterOtherWork {

  /** The CA's own work between two signatures of an issuance is of this order (bench.sh cmc, 2 cores). */
  public static final Duration OTHER_WORK = Duration.ofMillis(1);

  private final Supplier<SigningTally> tally;
  private final Runnable sign;
  private final int signaturesPerSpan;
  /** Consumed, so the gap's loop is not compiled away. */
  private long sink;

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

  /** CPU per signature in ms: median, min and max over the repeats. */
  public record Cost(double medianMillis, double minMillis, double maxMillis) {
  }

  /** Back to back and after {@link #OTHER_WORK}, each the median of {@code repeats} spans, alternating. */
  public record Result(Cost backToBack, Cost afterOtherWork) {

    public double extraMillis() {
      return afterOtherWork.medianMillis() - backToBack.medianMillis();
    }

    /** One line: {@code interleave backend=... op=... back_to_back_ms=... after_1ms_ms=... extra_ms=... extra=+N%}. */
    public String line(String backend, String op) {
      return String.format(Locale.ROOT, "interleave backend=%s op=%s back_to_back_ms=%.3f min=%.3f max=%.3f"
          + " after_%dms_other_work_ms=%.3f min=%.3f max=%.3f extra_ms=%.3f extra=%+.0f%%", backend, op,
          backToBack.medianMillis(), backToBack.minMillis(), backToBack.maxMillis(), OTHER_WORK.toMillis(),
          afterOtherWork.medianMillis(), afterOtherWork.minMillis(), afterOtherWork.maxMillis(), extraMillis(),
          100 * extraMillis() / backToBack.medianMillis());
    }
  }

  public Result measure(int repeats) {
    if (repeats < 1) {
      throw new IllegalArgumentException("at least one repeat");
    }
    List<Double> backToBack = new ArrayList<>();
    List<Double> afterOtherWork = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      backToBack.add(span(Duration.ZERO));
      afterOtherWork.add(span(OTHER_WORK));
    }
    return new Result(cost(backToBack), cost(afterOtherWork));
  }

  /** Thread CPU per signature in ms over one span, each signature preceded by {@code gap} of other work. */
  private double span(Duration gap) {
    // One untimed signature first, so that the first timed one of a back-to-back span follows a signature too.
    sign.run();
    long cpu = 0;
    long signatures = 0;
    for (int i = 0; i < signaturesPerSpan; i++) {
      if (!gap.isZero()) {
        otherWork(gap);
      }
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

  /** Integer arithmetic on registers for {@code gap}: the kind of work that leaves the vector units idle. */
  private void otherWork(Duration gap) {
    long deadline = System.nanoTime() + gap.toNanos();
    long x = sink | 1;
    while (System.nanoTime() < deadline) {
      for (int k = 0; k < 256; k++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    sink = x;
  }

  private static Cost cost(List<Double> perSpan) {
    double[] sorted = perSpan.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Cost(median, sorted[0], sorted[n - 1]);
  }
}
