package org.p11ca.server;

/**
 * Sizes the Jetty worker pool from the token's session pool.
 *
 * <pre>
 * maxThreads = REQUESTS_PER_SESSION * tokenSessions + ACCEPTORS + SELECTORS + HEADROOM
 * </pre>
 *
 * A CMC request leases a token session only for each of its two signatures (certificate, response), and spends most
 * of its time elsewhere: parsing and verifying, and waiting for its database commits. With only as many request
 * workers as sessions, every worker is often waiting on the same group commit while the cores idle (bench cmc's
 * `cores` lines: 0.2 ms of idle core time per issuance at c=32, half that with three workers per session). More
 * than a few per session would only queue on the session pool and the database, and each one waiting for a session
 * waits for a few signatures at most, far inside the pool's checkout timeout. Jetty's connector leases
 * {@link #ACCEPTORS} + {@link #SELECTORS} threads for itself for the server's life, and {@link #HEADROOM} more keep
 * TLS handshakes, the chain GETs and the idle-timeout sweeps moving while every request worker is busy. Requests
 * beyond that wait in Jetty's queue, not in the token's.
 */
public final class WorkerThreads {

  public static final int REQUESTS_PER_SESSION = 3;
  public static final int ACCEPTORS = 1;
  public static final int SELECTORS = 1;
  public static final int HEADROOM = 4;

  private WorkerThreads() {
  }

  public static int maxThreads(int tokenSessions) {
    if (tokenSessions < 1) {
      throw new IllegalArgumentException("a token has at least one session, not " + tokenSessions);
    }
    return REQUESTS_PER_SESSION * tokenSessions + ACCEPTORS + SELECTORS + HEADROOM;
  }

  /** Threads kept alive when idle: enough for the connector plus one request, so the first request is not slow. */
  public static int minThreads(int tokenSessions) {
    return Math.min(maxThreads(tokenSessions), ACCEPTORS + SELECTORS + 2);
  }
}
