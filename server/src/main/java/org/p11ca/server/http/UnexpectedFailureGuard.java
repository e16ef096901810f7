package org.p11ca.server.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The last line: a bug or an outage below (token gone, database full, audit log unwritable) becomes a 500 with one
 * generic line for the client, and the cause, with its stack, goes to the server log. The client learns nothing
 * about the inside, and never sees a stack trace.
 */
public final class UnexpectedFailureGuard extends Handler.Wrapper {

  private static final System.Logger LOG = System.getLogger(UnexpectedFailureGuard.class.getName());

  public UnexpectedFailureGuard(Handler handler) {
    super(handler);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      return super.handle(request, response, callback);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, "unexpected failure answering " + request.getMethod() + " "
          + request.getHttpURI().getPath() + " from " + Peers.ip(request.getConnectionMetaData()
          .getRemoteSocketAddress()) + ": " + t, t);
      if (t instanceof Error e && !(t instanceof StackOverflowError)) {
        throw e;
      }
      if (response.isCommitted()) {
        callback.failed(t);
      } else {
        response.reset();
        HttpAnswer.reason(request, response, callback, 500, "internal error; the server log has the details");
      }
      return true;
    }
  }
}
