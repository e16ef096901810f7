package org.p11ca.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.p11ca.hsm.SigningTally;

/**
 * The interleaving measurement's mechanics, with a stand-in for the token: a "signature" that is real CPU work
 * (a 512-bit modular exponentiation) and a tally that counts it as Pkcs11Token's does, thread CPU around the call. Whether
 * a real token's signatures get dearer after other work is what the bench measures, not what a test can assert.
 */
class SigningAfterOtherWorkTest {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(512).subtract(BigInteger.valueOf(569));

  /** Cumulative, like a token's tally: signatures and the thread CPU they took. */
  private final AtomicLong signatures = new AtomicLong();
  private final AtomicLong cpuNanos = new AtomicLong();

  private SigningTally tally() {
    return new SigningTally(signatures.get(), 0, cpuNanos.get());
  }

  private void sign() {
    long start = THREADS.getCurrentThreadCpuTime();
    BigInteger.valueOf(3).modPow(MODULUS.subtract(BigInteger.TWO), MODULUS);
    cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - start);
    signatures.incrementAndGet();
  }

  @Test
  void measure_alternatesBackToBackAndBothKindsOfOtherWork_andCountsEverySignature() {
    SigningAfterOtherWork.Result result = new SigningAfterOtherWork(this::tally, this::sign, 20).measure(3);

    // 3 repeats x 3 spans x (20 timed + 1 untimed) signatures.
    assertEquals(189, signatures.get());
    for (SigningAfterOtherWork.Cost c : new SigningAfterOtherWork.Cost[] {result.backToBack(),
        result.afterRegisters(), result.afterMemory()}) {
      assertTrue(c.minMillis() > 0 && c.minMillis() <= c.medianMillis() && c.medianMillis() <= c.maxMillis(),
          c.toString());
    }
    // The millisecond of other work before each signature is not counted as signing: were it, the figures after it
    // would exceed the back-to-back one by about a millisecond, not by the stand-in's noise.
    double gapMillis = SigningAfterOtherWork.OTHER_WORK.toNanos() / 1e6;
    assertTrue(result.extraAfterRegistersMillis() < 0.5 * gapMillis, result.toString());
    assertTrue(result.extraAfterMemoryMillis() < 0.5 * gapMillis, result.toString());
    assertEquals(result.afterMemory().medianMillis() - result.backToBack().medianMillis(),
        result.extraAfterMemoryMillis(), 1e-12);
  }

  @Test
  void line_namesBackendOperationTheThreeCostsAndBothExtras() {
    SigningAfterOtherWork.Result result = new SigningAfterOtherWork.Result(
        new SigningAfterOtherWork.Cost(0.300, 0.290, 0.310), new SigningAfterOtherWork.Cost(0.325, 0.320, 0.330),
        new SigningAfterOtherWork.Cost(0.375, 0.360, 0.400));
    assertEquals("interleave backend=iaik op=sign-rsa2048-pkcs1-sha256 back_to_back_ms=0.300(0.290..0.310)"
        + " after_1ms_registers_ms=0.325(0.320..0.330) after_1ms_memory_ms=0.375(0.360..0.400)"
        + " extra_registers_ms=0.025 extra_memory_ms=0.075", result.line("iaik", "sign-rsa2048-pkcs1-sha256"));
  }

  @Test
  void aTokenWhoseTallyMissesTheSignaturesIsRefused() {
    SigningAfterOtherWork untallied = new SigningAfterOtherWork(() -> SigningTally.NONE, () -> { }, 5);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> untallied.measure(1));
    assertTrue(e.getMessage().contains("tallied 0 signatures for 5 made"), e.getMessage());
  }
}
