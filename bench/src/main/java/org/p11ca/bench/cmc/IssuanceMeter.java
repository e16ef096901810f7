package org.p11ca.bench.cmc;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.p11ca.hsm.SigningTally;

/**
 * Runs c load-generator workers for a fixed time, each on its own connection (opened, and for HTTPS handshaken,
 * before the clock starts), each sending pre-signed requests back to back and keeping the answers. Once the clock
 * has stopped, every answer is checked ({@link IssuedResponse#verifiedFully}: status, certificate and both token
 * signatures); only issuances count, with their latencies, next to the CPU both processes used while the clock ran.
 * Checking after the clock keeps the load generator's share of the two cores down to TLS and HTTP.
 */
final class IssuanceMeter {

  private static final Duration GRACE = Duration.ofSeconds(60);

  /**
   * One timed round.
   *
   * @param latencyNanos of the counted issuances, sorted
   * @param loadGeneratorCpuNanos this JVM's process CPU time over the round: the workers' TLS, HTTP and response
   *     parsing, plus this JVM's GC and JIT threads (nothing else runs here during a round); zero when the CA runs
   *     in this JVM, whose CPU is then the CA's
   * @param serverCpuNanos the CA's CPU time over the round: the server process's, or this JVM's when the CA runs
   *     here ({@link CmcTransport#caInThisProcess}); empty when neither could be read
   * @param caSigning the CA token's signatures over the round and the time they took inside the library; empty
   *     where the CA's JVM cannot read thread CPU time
   * @param machine the whole machine's CPU ticks over the round, where /proc/stat can be read
   * @param ranOut whether the pre-signed requests ran out before the time was up (the rate is still issuances
   *     over the time taken, but the round was shorter)
   */
  record Round(int concurrency, int issued, int failed, double seconds, long[] latencyNanos,
      long loadGeneratorCpuNanos, Optional<Long> serverCpuNanos, Optional<SigningTally> caSigning,
      Optional<MachineCpu.Ticks> machine, boolean ranOut,
      Optional<String> firstFailure) {

    double issuedPerSecond() {
      return issued / seconds;
    }
  }

  private final ExecutorService workers;
  private final IssuedResponse check;
  private final LongSupplier serverCpuNanos;
  private final Supplier<Optional<SigningTally>> caSigning;
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /**
   * @param serverCpuNanos the server process's CPU time so far, or -1 when it cannot be read; not asked when the CA
   *     runs in this process
   * @param caSigning the CA token's signing tally so far, in whichever process the CA runs
   */
  IssuanceMeter(ExecutorService workers, IssuedResponse check, LongSupplier serverCpuNanos,
      Supplier<Optional<SigningTally>> caSigning) {
    this.workers = workers;
    this.check = check;
    this.serverCpuNanos = serverCpuNanos;
    this.caSigning = caSigning;
  }

  /** One worker's answers, in order: each request's signer, the response bytes and the latency. */
  private record WorkerResult(List<PreSignedRequests.Request> sent, List<byte[]> answers, long[] latencies,
      int count, long finishedNanos, boolean ranOut, Optional<String> transportFailure) {
  }

  Round run(CmcTransport transport, int concurrency, Duration duration, PreSignedRequests requests) {
    List<CmcTransport.Connection> connections = new ArrayList<>();
    try {
      for (int i = 0; i < concurrency; i++) {
        connections.add(transport.connect());
      }
    } catch (IOException e) {
      connections.forEach(CmcTransport.Connection::close);
      throw new IllegalStateException("cannot connect to the CA (" + transport.name() + "): " + e.getMessage(), e);
    }
    CountDownLatch ready = new CountDownLatch(concurrency);
    CountDownLatch go = new CountDownLatch(1);
    long[] start = new long[1];
    long durationNanos = duration.toNanos();
    List<Future<WorkerResult>> futures = new ArrayList<>();
    for (CmcTransport.Connection connection : connections) {
      futures.add(workers.submit(() -> {
        ready.countDown();
        go.await();
        return work(connection, requests, start[0] + durationNanos);
      }));
    }
    try {
      if (!ready.await(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("load-generator workers did not start");
      }
      Optional<SigningTally> signingBefore = caSigning.get();
      long serverCpuBefore = serverCpuNanos.getAsLong();
      Optional<MachineCpu.Ticks> machineBefore = MachineCpu.now();
      long cpuBefore = os.getProcessCpuTime();
      start[0] = System.nanoTime();
      go.countDown();
      List<WorkerResult> results = new ArrayList<>();
      long joinDeadline = start[0] + durationNanos + GRACE.toNanos();
      for (Future<WorkerResult> f : futures) {
        results.add(f.get(Math.max(1, joinDeadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      long cpu = os.getProcessCpuTime() - cpuBefore;
      Optional<MachineCpu.Ticks> machineAfter = MachineCpu.now();
      long serverCpuAfter = serverCpuNanos.getAsLong();
      Optional<SigningTally> signingAfter = caSigning.get();
      long last = results.stream().mapToLong(WorkerResult::finishedNanos).max().orElse(start[0]);
      // The clock has stopped: now every answer is checked in full.
      long[] latencies = new long[results.stream().mapToInt(WorkerResult::count).sum()];
      int issued = 0;
      int failed = 0;
      Optional<String> firstFailure = Optional.empty();
      for (WorkerResult r : results) {
        if (r.transportFailure().isPresent()) {
          failed++;
          firstFailure = firstFailure.or(r::transportFailure);
        }
        for (int i = 0; i < r.count(); i++) {
          Optional<String> refusal = check.verifiedFully(r.answers().get(i), r.sent().get(i));
          if (refusal.isPresent()) {
            failed++;
            firstFailure = firstFailure.or(() -> refusal);
          } else {
            latencies[issued++] = r.latencies()[i];
          }
        }
      }
      latencies = Arrays.copyOf(latencies, issued);
      Arrays.sort(latencies);
      boolean here = transport.caInThisProcess();
      Optional<Long> caCpu = here ? Optional.of(cpu)
          : serverCpuBefore < 0 ? Optional.empty() : Optional.of(serverCpuAfter - serverCpuBefore);
      return new Round(concurrency, issued, failed, (last - start[0]) / 1e9, latencies, here ? 0 : cpu, caCpu,
          signingAfter.flatMap(after -> signingBefore.map(after::since)), machineAfter.flatMap(after -> machineBefore.map(after::minus)), results.stream().anyMatch(WorkerResult::ranOut), firstFailure);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a load-generator worker failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("requests still unanswered " + GRACE.toSeconds() + " s after the round");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring");
    } finally {
      go.countDown();
      futures.forEach(f -> f.cancel(true));
      connections.forEach(CmcTransport.Connection::close);
    }
  }

  private WorkerResult work(CmcTransport.Connection connection, PreSignedRequests requests, long deadline) {
    List<PreSignedRequests.Request> sent = new ArrayList<>();
    List<byte[]> answers = new ArrayList<>();
    long[] latencies = new long[1024];
    int count = 0;
    Optional<String> transportFailure = Optional.empty();
    boolean ranOut = false;
    long now = System.nanoTime();
    while (now < deadline) {
      PreSignedRequests.Request request = requests.take();
      if (request == null) {
        ranOut = true;
        break;
      }
      long submitted = System.nanoTime();
      try {
        answers.add(connection.submit(request.der()));
      } catch (IOException e) {
        // A broken connection would fail every later request too: this worker stops, and the round reports it.
        now = System.nanoTime();
        transportFailure = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
        break;
      }
      now = System.nanoTime();
      sent.add(request);
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = now - submitted;
    }
    return new WorkerResult(sent, answers, latencies, count, now, ranOut, transportFailure);
  }
}
