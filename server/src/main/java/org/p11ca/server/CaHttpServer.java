package org.p11ca.server;

import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.server.config.HttpSettings;
import org.p11ca.server.http.AccessLog;
import org.p11ca.server.http.DogtagCompatibleHttp;
import org.p11ca.server.http.HttpRoutes;
import org.p11ca.server.http.PlainTextErrorHandler;
import org.p11ca.server.tls.TlsSessionAuditor;

/**
 * The Jetty server, composed in code: a named, bounded thread pool ({@link WorkerThreads}), one HTTPS connector
 * (HTTP/1.1 and 1.0 over TLS) whose sessions are audited, the handler tree of {@link HttpRoutes} behind a
 * {@link GracefulHandler}, the one-line access log and plain-text errors.
 *
 * <p>Stopping is graceful: the connector stops accepting, requests in flight get up to
 * {@link HttpSettings#stopTimeout()} to finish (a CMC request half-way through issuance completes and is answered),
 * then connections close.
 */
public final class CaHttpServer implements AutoCloseable {

  private final Server server;
  private static final String TLS_CONNECTOR = "https";
  private static final String STATUS_CONNECTOR = "status-http";

  private final ServerConnector connector;
  private final Optional<ServerConnector> status;
  private final TlsSessionAuditor sessions;

  private CaHttpServer(Server server, ServerConnector connector, Optional<ServerConnector> status,
      TlsSessionAuditor sessions) {
    this.server = server;
    this.connector = connector;
    this.status = status;
    this.sessions = sessions;
  }

  /**
   * @param sessionAudit where TLS session events go: the CA's own AuditLog, so they interleave in order
   * @param tokenSessions the token's session pool capacity, which sizes the worker pool
   */
  public static CaHttpServer start(HttpSettings http, HttpRoutes.Services services, SslContextFactory.Server tls,
      Consumer<AuditEvent> sessionAudit, int tokenSessions) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(WorkerThreads.maxThreads(tokenSessions),
        WorkerThreads.minThreads(tokenSessions));
    threads.setName("p11ca-http");
    Server server = new Server(threads);

    HttpConfiguration config = DogtagCompatibleHttp.configuration(http.idleTimeout(), true);
    ServerConnector connector = new ServerConnector(server, WorkerThreads.ACCEPTORS, WorkerThreads.SELECTORS,
        new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(config));
    connector.setHost(http.host());
    connector.setPort(http.port());
    connector.setIdleTimeout(http.idleTimeout().toMillis());
    TlsSessionAuditor sessions = new TlsSessionAuditor(sessionAudit);
    connector.addBean(sessions);
    server.addConnector(connector);

    Handler routes = HttpRoutes.build(services, http.maxBodyBytes());
    Optional<ServerConnector> status = Optional.empty();
    if (http.statusPort().isPresent()) {
      // Plain HTTP for relying parties, serving only the CRL and OCSP: each connector gets its own routes.
      ServerConnector plain = new ServerConnector(server, 1, 1,
          new HttpConnectionFactory(DogtagCompatibleHttp.configuration(http.idleTimeout(), false)));
      plain.setName(STATUS_CONNECTOR);
      plain.setHost(http.host());
      plain.setPort(http.statusPort().getAsInt());
      plain.setIdleTimeout(http.idleTimeout().toMillis());
      server.addConnector(plain);
      connector.setName(TLS_CONNECTOR);
      status = Optional.of(plain);
      routes = new Handler.Sequence(new OnConnector(TLS_CONNECTOR, routes),
          new OnConnector(STATUS_CONNECTOR, HttpRoutes.statusOnly(services.crl(), services.ocsp(),
              http.maxBodyBytes())));
    }
    server.setHandler(new GracefulHandler(routes));
    server.setErrorHandler(new PlainTextErrorHandler());
    server.setRequestLog(new AccessLog());
    server.setStopTimeout(http.stopTimeout().toMillis());
    // The process's shutdown hook closes the CA behind this server in order (P11caCommand), so Jetty's own hook
    // would race it.
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    return new CaHttpServer(server, connector, status, sessions);
  }

  /** Hands a request on only when it came in through the named connector. */
  private static final class OnConnector extends Handler.Wrapper {
    private final String name;

    OnConnector(String name, Handler handler) {
      super(handler);
      this.name = name;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      return name.equals(request.getConnectionMetaData().getConnector().getName())
          && super.handle(request, response, callback);
    }
  }

  /** The plain-HTTP status port bound, when there is one (the OS's pick for port 0). */
  public java.util.OptionalInt statusPort() {
    return status.map(c -> java.util.OptionalInt.of(c.getLocalPort())).orElse(java.util.OptionalInt.empty());
  }

  /** The bound port: the configured one, or the one the OS picked for port 0. */
  public int port() {
    return connector.getLocalPort();
  }

  /** For tests: TLS connections whose establish event was audited and whose terminate event is still due. */
  public int openTlsSessions() {
    return sessions.openSessions();
  }

  /** True once a stop has begun: no new connections are accepted, requests in flight may still finish. */
  public boolean isStopping() {
    return server.isStopping() || server.isStopped();
  }

  /** Graceful stop; returns once Jetty has stopped (or the stop timeout passed). */
  @Override
  public void close() throws Exception {
    server.stop();
  }
}
