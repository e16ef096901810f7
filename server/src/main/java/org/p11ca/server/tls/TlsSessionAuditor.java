package org.p11ca.server.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.server.http.Peers;

/**
 * Audits TLS sessions as Dogtag does: ACCESS_SESSION_ESTABLISH_SUCCESS when a handshake completes (SubjectID is the
 * client certificate's subject DN, or "--"), ACCESS_SESSION_ESTABLISH_FAILURE when one fails, and
 * ACCESS_SESSION_TERMINATED when an established connection closes.
 *
 * <p>Order in the log follows from when Jetty calls these: a handshake completes before any application data is
 * decrypted, so the establish event precedes the events of the connection's requests; a connection closes after
 * its last response was written, which is after the CA audited that request.
 *
 * <p>Registered as a bean on the connector, it is both an {@link SslHandshakeListener} (Jetty adds it to every
 * {@link SslConnection}) and a {@link Connection.Listener} (open/close of every connection, of which only the TLS
 * ones matter here).
 */
public final class TlsSessionAuditor implements SslHandshakeListener, Connection.Listener {

  private static final System.Logger LOG = System.getLogger(TlsSessionAuditor.class.getName());

  /** The Info of ACCESS_SESSION_TERMINATED, after Dogtag: the TLS session ended with a close_notify alert. */
  static final String CLOSE_NOTIFY = "CLOSE_NOTIFY";
  /** The connection ended without a close_notify (reset, idle timeout with a silent peer). */
  static final String CONNECTION_CLOSED = "CONNECTION_CLOSED";

  private record Session(String clientIp, String serverIp, String subjectId) {
  }

  private final Consumer<AuditEvent> audit;
  // Keyed by the engine: the handshake event and the closed connection name different EndPoint wrappers of the
  // same connection, but share its one SSLEngine.
  private final Map<SSLEngine, Session> established = new ConcurrentHashMap<>();

  /** @param audit the same AuditLog the CA writes ({@code auditLog::append}) */
  public TlsSessionAuditor(Consumer<AuditEvent> audit) {
    this.audit = audit;
  }

  @Override
  public void handshakeSucceeded(Event event) {
    EndPoint endPoint = event.getEndPoint();
    Session session = new Session(Peers.ip(endPoint.getRemoteSocketAddress()),
        Peers.ip(endPoint.getLocalSocketAddress()), subject(event.getSSLEngine()));
    established.put(event.getSSLEngine(), session);
    append(endPoint, new AuditEvent.AccessSessionEstablishSuccess(session.clientIp(), session.serverIp(),
        session.subjectId()));
  }

  @Override
  public void handshakeFailed(Event event, Throwable failure) {
    EndPoint endPoint = event.getEndPoint();
    String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    append(endPoint, new AuditEvent.AccessSessionEstablishFailure(Peers.ip(endPoint.getRemoteSocketAddress()),
        Peers.ip(endPoint.getLocalSocketAddress()), Peers.NONE, reason.replaceAll("[\\r\\n]+", " ")));
  }

  @Override
  public void onClosed(Connection connection) {
    if (!(connection instanceof SslConnection tls)) {
      return;
    }
    SSLEngine engine = tls.getSSLEngine();
    Session session = established.remove(engine);
    if (session == null) {
      return;
    }
    String info = engine.isInboundDone() || engine.isOutboundDone() ? CLOSE_NOTIFY : CONNECTION_CLOSED;
    append(connection.getEndPoint(), new AuditEvent.AccessSessionTerminated(session.clientIp(),
        session.serverIp(), session.subjectId(), info));
  }

  /** Connections whose establish event was written and whose terminate event is still to come. */
  public int openSessions() {
    return established.size();
  }

  private void append(EndPoint endPoint, AuditEvent event) {
    try {
      audit.accept(event);
    } catch (RuntimeException e) {
      // A CA that cannot audit must not serve: drop the connection rather than let its requests go unrecorded.
      // The CA's own appends fail the same way for each request, so the outage is loud.
      LOG.log(System.Logger.Level.ERROR, "cannot audit " + event.eventType() + "; closing the connection: " + e, e);
      endPoint.close(e);
    }
  }

  private static String subject(SSLEngine engine) {
    try {
      Certificate[] chain = engine.getSession().getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate x509) {
        return x509.getSubjectX500Principal().getName();
      }
    } catch (SSLPeerUnverifiedException e) {
      // No client certificate: Dogtag writes "--".
    }
    return Peers.NONE;
  }
}
