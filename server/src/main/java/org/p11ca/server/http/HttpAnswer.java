package org.p11ca.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes complete answers: a known Content-Type and Content-Length and the whole body in one write.
 *
 * <p>Dogtag's HttpClient (an HTTP/1.0 client) finds the body by skipping the first six line feeds of the answer,
 * so an HTTP/1.0 answer must be exactly the status line, four header lines (Content-Type, Content-Length, Date,
 * Connection) and the blank line. The Server and X-Powered-By headers are switched off in the HttpConfiguration
 * ({@link DogtagCompatibleHttp}); here every answer gets an explicit Content-Length (never chunked), and an
 * HTTP/1.0 answer an explicit {@code Connection: close}, which Jetty would otherwise leave out for HTTP/1.0.
 */
public final class HttpAnswer {

  public static final String TEXT_PLAIN = "text/plain; charset=utf-8";

  private HttpAnswer() {
  }

  public static void send(Request request, Response response, Callback callback, int status, String contentType,
      byte[] body) {
    response.setStatus(status);
    var headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, contentType);
    headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_1_1) {
      // HTTP/1.0 clients (Dogtag's) read to end of stream; HTTP/1.1 keeps the connection for the next request.
      headers.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** A one-line reason as text/plain: what a person or a script needs, never a stack trace. */
  public static void reason(Request request, Response response, Callback callback, int status, String reason) {
    String line = reason.replaceAll("[\\r\\n]+", " ").strip() + "\n";
    send(request, response, callback, status, TEXT_PLAIN, line.getBytes(StandardCharsets.UTF_8));
  }
}
