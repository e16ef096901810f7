package org.p11ca.server.http;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty itself answers (a malformed request line, a header too large, a body over the size limit caught
 * before our handler read it): one text/plain line instead of Jetty's HTML page, and for 5xx nothing about the
 * cause.
 */
public final class PlainTextErrorHandler extends ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = request.getAttribute(ERROR_STATUS) instanceof Integer code ? code
        : response.getStatus() >= 400 ? response.getStatus() : 500;
    Object message = request.getAttribute(ERROR_MESSAGE);
    String reason = status >= 500 || message == null ? HttpStatus.getMessage(status) : message.toString();
    response.getHeaders().clear();
    HttpAnswer.reason(request, response, callback, status, reason);
    return true;
  }
}
