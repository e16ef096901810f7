package org.p11ca.ca.crl;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.Outcome;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.repository.CrlStore;
import org.p11ca.ca.repository.StoredCrl;
import org.p11ca.ca.service.RevocationListener;

/**
 * Keeps the CA's current full CRL. A revocation marks it stale, and one task scheduled {@code regenerateDelay}
 * later remakes it, so a burst of revocations costs one or a few signatures instead of one each; independently the
 * CRL is remade at half its validity. Every generation, and every failed one, is audited (FULL_CRL_GENERATION).
 * Thread safe: generations are serialized, and readers get the latest CRL without waiting for one.
 */
public final class CrlPublisher implements CrlSource, RevocationListener, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(CrlPublisher.class.getName());

  /** After a failed generation (token or database trouble), how long until the next try. */
  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

  private final CrlGenerator generator;
  private final CrlStore crls;
  private final CertificateStore certificates;
  private final CrlSettings settings;
  private final AuditLog audit;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  /** Held while a CRL is made, so two are never made at once and each gets the next number. */
  private final Object generation = new Object();
  /** True from the first revocation of a burst until its regeneration starts. */
  private final AtomicBoolean regenerationPending = new AtomicBoolean();
  private volatile StoredCrl current;
  /** The refresh before nextUpdate of the current CRL; guarded by {@link #generation}. */
  private ScheduledFuture<?> refresh;

  public CrlPublisher(CrlGenerator generator, CrlStore crls, CertificateStore certificates, CrlSettings settings,
      AuditLog audit, Clock clock) {
    this.generator = Objects.requireNonNull(generator);
    this.crls = Objects.requireNonNull(crls);
    this.certificates = Objects.requireNonNull(certificates);
    this.settings = Objects.requireNonNull(settings);
    this.audit = Objects.requireNonNull(audit);
    this.clock = Objects.requireNonNull(clock);
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "p11ca-crl");
      t.setDaemon(true);
      return t;
    });
    // On close, waiting tasks are dropped and only a generation under way finishes.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    this.scheduler = executor;
  }

  /**
   * Takes up the stored CRL, or makes one when there is none, when it is past its nextUpdate, or when a revocation
   * was recorded after it (the process stopped before the batched regeneration ran); then keeps it fresh.
   *
   * @throws CaException INTERNAL_CA_ERROR when a CRL is needed and cannot be made: the CA should not serve without
   */
  public void start() {
    synchronized (generation) {
      Optional<StoredCrl> stored = crls.latest();
      if (stored.isPresent() && stillCurrent(stored.get())) {
        current = stored.get();
        scheduleRefresh(stored.get());
      } else {
        generateNow();
      }
    }
  }

  private boolean stillCurrent(StoredCrl stored) {
    if (!clock.instant().isBefore(stored.nextUpdate())) {
      return false;
    }
    // thisUpdate is whole seconds, so a revocation in the same second counts as later: at worst one CRL too many.
    return certificates.latestRevocation().map(at -> at.isBefore(stored.thisUpdate())).orElse(true);
  }

  /** A revocation is durable: the CRL will be remade after the batching delay. Never blocks or throws. */
  @Override
  public void revoked(BigInteger serial) {
    markStale();
  }

  /** Asks for a regeneration after {@code regenerateDelay}, unless one is already waiting to run. */
  public void markStale() {
    if (regenerationPending.compareAndSet(false, true)) {
      schedule(this::regenerateStale, settings.regenerateDelay());
    }
  }

  @Override
  public StoredCrl current() {
    StoredCrl crl = current;
    if (crl != null && clock.instant().isBefore(crl.nextUpdate())) {
      return crl;
    }
    synchronized (generation) {
      crl = current;
      if (crl != null && clock.instant().isBefore(crl.nextUpdate())) {
        return crl;
      }
      // Not started yet, or the refresh has been failing until nextUpdate passed: try once more, for this reader.
      return generateNow();
    }
  }

  /**
   * Makes, stores and audits a new CRL now, and returns it.
   *
   * @throws CaException INTERNAL_CA_ERROR as {@link CrlGenerator#generate()}, after auditing the failure
   */
  public StoredCrl generateNow() {
    synchronized (generation) {
      StoredCrl crl;
      try {
        crl = generator.generate();
      } catch (RuntimeException e) {
        String reason = e instanceof CaException ce ? ce.detail() : e.toString();
        audit.append(new AuditEvent.FullCrlGeneration(AuditEvent.SYSTEM_SUBJECT, Outcome.FAILURE,
            Optional.empty(), Optional.of(reason)));
        throw e;
      }
      audit.append(new AuditEvent.FullCrlGeneration(AuditEvent.SYSTEM_SUBJECT, Outcome.SUCCESS,
          Optional.of(crl.number()), Optional.empty()));
      // The CRL is stored and about to be served: its record goes to disk first, as a CMC answer's does, so a power
      // cut cannot leave a published CRL that the audit log never mentions. CRLs are rare; the fsync is cheap here.
      audit.syncAppended();
      current = crl;
      scheduleRefresh(crl);
      return crl;
    }
  }

  private void regenerateStale() {
    // Cleared before generating: a revocation that lands while this CRL is made may be missed by it, and then
    // schedules the next one.
    regenerationPending.set(false);
    generateInBackground();
  }

  private void generateInBackground() {
    try {
      generateNow();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "cannot make the CRL (retrying in " + RETRY_AFTER_FAILURE.toSeconds() + " s): "
          + (e instanceof CaException ce ? ce.detail() : e.toString()), e);
      schedule(this::generateInBackground, RETRY_AFTER_FAILURE);
    }
  }

  /** Remakes the CRL at half its validity, so it is replaced long before relying parties would reject it. */
  private void scheduleRefresh(StoredCrl crl) {
    if (refresh != null) {
      refresh.cancel(false);
    }
    Instant due = crl.thisUpdate().plus(Duration.between(crl.thisUpdate(), crl.nextUpdate()).dividedBy(2));
    refresh = schedule(this::generateInBackground, Duration.between(clock.instant(), due));
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return scheduler.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closing: the process is stopping, and the next start remakes the CRL if a revocation is not on it.
      LOG.log(Level.INFO, "CRL publisher closed; not scheduling another CRL");
      return null;
    }
  }

  /** Stops scheduling and waits for a generation under way, so it does not outlive the token and database. */
  @Override
  public void close() {
    // Not shutdownNow: interrupting a token call or a SQLite write half-way helps nobody.
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, "a CRL generation was still running after 30 s; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
