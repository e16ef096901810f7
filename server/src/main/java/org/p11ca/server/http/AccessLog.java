package org.p11ca.server.http;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;

/**
 * One line per request to the {@code p11ca.access} logger: client address, client certificate subject, method,
 * path with query, protocol, status, bytes in and out, milliseconds. Never a body: CMC requests carry identities and
 * possibly shared-secret witnesses, and the audit log is the record of what was decided.
 *
 * <p>Logged through java.util.logging (the System.Logger backend) with the source named explicitly: left to
 * infer its caller, JUL walks the stack for every record, once per request on the hot path.
 */
public final class AccessLog implements RequestLog {

  private static final Logger LOG = Logger.getLogger("p11ca.access");
  private static final String SOURCE_CLASS = AccessLog.class.getName();
  private static final String SOURCE_METHOD = "log";

  @Override
  public void log(Request request, Response response) {
    if (!LOG.isLoggable(Level.INFO)) {
      return;
    }
    String subject = Peers.clientCertificate(request).map(c -> c.getSubjectX500Principal().getName())
        .orElse(Peers.NONE);
    var uri = request.getHttpURI();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.getBeginNanoTime());
    LOG.logp(Level.INFO, SOURCE_CLASS, SOURCE_METHOD, Peers.ip(request.getConnectionMetaData()
        .getRemoteSocketAddress()) + " \"" + subject + "\" \"" + request.getMethod() + " " + uri.getPathQuery() + " "
        + request.getConnectionMetaData().getProtocol() + "\" " + response.getStatus() + " "
        + Request.getContentBytesRead(request) + " " + Response.getContentBytesWritten(response) + " " + millis
        + "ms");
  }
}
