package org.p11ca.hsm.pkcs11;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.p11ca.hsm.SigningTally;

/**
 * Times the library's sign calls on the calling thread (wall and thread CPU) for {@link SigningTally}. Two clock
 * reads of each kind per signature, well under a microsecond against the hundreds a software RSA signature takes.
 */
final class SigningMeter {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final boolean threadCpu = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
  private final LongAdder signatures = new LongAdder();
  private final LongAdder wallNanos = new LongAdder();
  private final LongAdder threadCpuNanos = new LongAdder();

  /** Runs one library sign call; a call that fails is not tallied. */
  byte[] sign(Supplier<byte[]> librarySign) {
    if (!threadCpu) {
      return librarySign.get();
    }
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    long wallStart = System.nanoTime();
    byte[] signature = librarySign.get();
    long wall = System.nanoTime() - wallStart;
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
    wallNanos.add(wall);
    threadCpuNanos.add(cpu);
    signatures.increment();
    return signature;
  }

  Optional<SigningTally> tally() {
    // Each adder is read on its own, so a signature finishing meanwhile may be half in: off by one at most.
    return threadCpu ? Optional.of(new SigningTally(signatures.sum(), wallNanos.sum(), threadCpuNanos.sum()))
        : Optional.empty();
  }
}
