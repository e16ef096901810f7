package org.p11ca.bench.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an operation in a tight loop on N worker threads for a fixed time and returns operations per second. The
 * workers start together on a latch so thread start-up is not timed, and the rate divides all operations by the
 * time until the last worker finished its last operation, so an operation straddling the deadline is fully counted
 * in both numerator and denominator.
 */
public final class ThroughputMeter {

  /** A hard cap per worker so a loop ends even if the clock misbehaves; far above any token's rate. */
  private static final long MAX_OPERATIONS_PER_WORKER = 1_000_000_000L;
  /** How long past its deadline a worker may take to finish its last operation before the run is declared hung. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  private final ExecutorService workers;
  private final int maxThreads;

  /** @param workers a pool with at least {@code maxThreads} threads, so all workers of a trial run at once */
  public ThroughputMeter(ExecutorService workers, int maxThreads) {
    this.workers = workers;
    this.maxThreads = maxThreads;
  }

  private record WorkerResult(long operations, long finishedNanos) {
  }

  /**
   * @throws RuntimeException whatever the operation threw first, unwrapped
   */
  public double opsPerSecond(Operation operation, int threads, Duration duration) {
    if (threads < 1 || threads > maxThreads) {
      throw new IllegalArgumentException("threads must be 1.." + maxThreads + ", not " + threads);
    }
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    long[] start = new long[1];
    long durationNanos = duration.toNanos();
    // Set when a worker fails, so that its partners stop too instead of running on into the next trial.
    AtomicBoolean abandoned = new AtomicBoolean();
    List<Future<WorkerResult>> futures = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) {
      futures.add(workers.submit(() -> {
        ready.countDown();
        go.await();
        // start[0] was written before go.countDown(), which happens-before the return of await().
        long deadline = start[0] + durationNanos;
        long operations = 0;
        long now;
        try {
          do {
            operation.performOnce();
            operations++;
            now = System.nanoTime();
          } while (now < deadline && operations < MAX_OPERATIONS_PER_WORKER && !abandoned.get());
        } catch (RuntimeException | Error e) {
          abandoned.set(true);
          throw e;
        }
        return new WorkerResult(operations, now);
      }));
    }
    try {
      if (!ready.await(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("worker threads did not start within " + GRACE.toSeconds() + " s");
      }
      start[0] = System.nanoTime();
      go.countDown();
      long totalOperations = 0;
      long lastFinish = start[0];
      long joinDeadline = start[0] + durationNanos + GRACE.toNanos();
      for (Future<WorkerResult> f : futures) {
        WorkerResult r = f.get(Math.max(1, joinDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        totalOperations += r.operations();
        lastFinish = Math.max(lastFinish, r.finishedNanos());
      }
      return totalOperations / ((lastFinish - start[0]) / 1e9);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("an operation did not finish within " + GRACE.toSeconds()
          + " s after the measurement ended");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring");
    } finally {
      // After success every worker is done; after a failure or timeout this stops those still looping.
      abandoned.set(true);
      go.countDown();
      futures.forEach(f -> f.cancel(true));
    }
  }
}
