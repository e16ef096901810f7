package org.p11ca.hsm.pkcs11;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.p11ca.hsm.HsmException;

/**
 * The one bounded pool of PKCS#11 sessions for a token. Sessions are opened lazily up to the capacity and reused;
 * a lease that saw the session break discards it instead of returning it. Capacity is capped by the token's own
 * maximum session count.
 */
final class SessionPool implements AutoCloseable {

  private final Pkcs11Binding binding;
  private final long slotId;
  private final String tokenName;
  private final int capacity;
  private final Duration checkoutTimeout;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<Long> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  SessionPool(Pkcs11Binding binding, long slotId, String tokenName, int capacity, Duration checkoutTimeout) {
    this.binding = binding;
    this.slotId = slotId;
    this.tokenName = tokenName;
    this.capacity = capacity;
    this.checkoutTimeout = checkoutTimeout;
    // Unfair: on busy cores a fair semaphore hands each freed permit to the longest waiter, a thread that must first
    // be scheduled, while running threads queue behind it (the convoy the audit log's fair lock caused). The
    // checkout timeout still bounds any one wait.
    this.permits = new Semaphore(capacity, false);
  }

  int capacity() {
    return capacity;
  }

  Lease lease() {
    if (closed) {
      throw new HsmException(HsmException.Reason.CLOSED, "token '" + tokenName + "' is closed");
    }
    try {
      if (!permits.tryAcquire(checkoutTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new HsmException(HsmException.Reason.SESSION_POOL_TIMEOUT, "all " + capacity
            + " sessions of token '" + tokenName + "' stayed busy for " + checkoutTimeout.toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HsmException(HsmException.Reason.SESSION_POOL_TIMEOUT,
          "interrupted while waiting for a session of token '" + tokenName + "'");
    }
    Long session = idle.pollFirst();
    if (session == null) {
      try {
        session = binding.openSession(slotId);
      } catch (RuntimeException e) {
        permits.release();
        throw e;
      }
    }
    return new Lease(session);
  }

  /** Closes every idle session, e.g. after the device reported it was reset; leased ones are discarded on return. */
  void discardIdle() {
    Long s;
    while ((s = idle.pollFirst()) != null) {
      closeQuietly(s);
    }
  }

  @Override
  public void close() {
    closed = true;
    discardIdle();
  }

  private void closeQuietly(long session) {
    try {
      binding.closeSession(session);
    } catch (RuntimeException ignored) {
      // The session is already gone on the token side; nothing left to release.
    }
  }

  /** One checked-out session; close() returns it, discard() drops it. */
  final class Lease implements AutoCloseable {
    private final long session;
    private boolean done;

    private Lease(long session) {
      this.session = session;
    }

    long session() {
      return session;
    }

    void discard() {
      if (!done) {
        done = true;
        closeQuietly(session);
        permits.release();
      }
    }

    @Override
    public void close() {
      if (!done) {
        done = true;
        if (closed) {
          closeQuietly(session);
        } else {
          idle.addFirst(session);
        }
        permits.release();
      }
    }
  }
}
