package org.p11ca.server.http;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;

/**
 * One line per request to System.Logger ({@code p11ca.access}): client address, client certificate subject, method,
 * path with query, protocol, status, bytes in and out, milliseconds. Never a body: CMC requests carry identities and
 * possibly shared-secret witnesses, and the audit log is the record of what was decided.
 */
public final class AccessLog implements RequestLog {

  private static final System.Logger LOG = System.getLogger("p11ca.access");

  @Override
  public void log(Request request, Response response) {
    if (!LOG.isLoggable(System.Logger.Level.INFO)) {
      return;
    }
    String subject = Peers.clientCertificate(request).map(c -> c.getSubjectX500Principal().getName())
        .orElse(Peers.NONE);
    var uri = request.getHttpURI();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.getBeginNanoTime());
    LOG.log(System.Logger.Level.INFO, Peers.ip(request.getConnectionMetaData().getRemoteSocketAddress())
        + " \"" + subject + "\" \"" + request.getMethod() + " " + uri.getPathQuery() + " "
        + request.getConnectionMetaData().getProtocol() + "\" " + response.getStatus() + " "
        + Request.getContentBytesRead(request) + " " + Response.getContentBytesWritten(response) + " " + millis
        + "ms");
  }
}
