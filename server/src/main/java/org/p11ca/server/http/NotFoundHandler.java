package org.p11ca.server.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Every path that is not one of ours: 404 with a one-line reason. */
public final class NotFoundHandler extends Handler.Abstract.NonBlocking {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    HttpAnswer.reason(request, response, callback, 404, "no such endpoint: " + request.getHttpURI().getPath());
    return true;
  }
}
