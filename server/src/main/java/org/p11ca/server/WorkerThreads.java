package org.p11ca.server;

/**
 * Sizes the Jetty worker pool from the token's session pool.
 *
 * <pre>
 * maxThreads = tokenSessions + ACCEPTORS + SELECTORS + HEADROOM
 * </pre>
 *
 * Every CMC request holds a token session for its two signatures (certificate, response), so more request workers
 * than sessions would only queue inside the session pool, where a wait past its checkout timeout turns into a
 * failure instead of back-pressure. Jetty's connector leases {@link #ACCEPTORS} + {@link #SELECTORS} threads for
 * itself for the server's life, and {@link #HEADROOM} more keep TLS handshakes, the chain GETs and the idle-timeout
 * sweeps moving while all sessions are busy. Requests beyond that wait in Jetty's queue, not in the token's.
 */
public final class WorkerThreads {

  public static final int ACCEPTORS = 1;
  public static final int SELECTORS = 1;
  public static final int HEADROOM = 4;

  private WorkerThreads() {
  }

  public static int maxThreads(int tokenSessions) {
    if (tokenSessions < 1) {
      throw new IllegalArgumentException("a token has at least one session, not " + tokenSessions);
    }
    return tokenSessions + ACCEPTORS + SELECTORS + HEADROOM;
  }

  /** Threads kept alive when idle: enough for the connector plus one request, so the first request is not slow. */
  public static int minThreads(int tokenSessions) {
    return Math.min(maxThreads(tokenSessions), ACCEPTORS + SELECTORS + 2);
  }
}
