package org.p11ca.server.http;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET} the KRA transport certificate (PEM), which subscribers encrypt archived keys to; public. */
public final class TransportCertificateHandler extends Handler.Abstract {

  public static final String PATH = "/kra/ee/kra/getTransportCert";

  private final byte[] pem;

  public TransportCertificateHandler(String pem) {
    this.pem = pem.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      HttpAnswer.reason(request, response, callback, 405, request.getMethod() + " is not allowed here: use GET");
      return true;
    }
    HttpAnswer.send(request, response, callback, 200, CaCertificateHandler.PEM_MEDIA_TYPE, pem);
    return true;
  }
}
