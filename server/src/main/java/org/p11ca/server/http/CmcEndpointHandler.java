package org.p11ca.server.http;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.p11ca.ca.service.Caller;
import org.p11ca.ca.service.CmcAuthority;
import org.p11ca.ca.service.CmcEndpoint;
import org.p11ca.ca.service.CmcReply;
import org.p11ca.ca.service.CmcSubmission;
import org.p11ca.server.config.ClientAuth;

/**
 * {@code POST} on one Dogtag CMC endpoint: check the transport-level conditions (method, client certificate,
 * media type, size), hand the bytes to the CA, send its answer. CMC successes and CMC failures are both HTTP 200
 * (the CMC status is inside the signed response, as Dogtag does it); HTTP errors are only for requests that never
 * reached the CA or that it could not read.
 *
 * <p>Blocking by design ({@link Handler.Abstract} declares so): the CA signs on the token and commits to the
 * database before it answers.
 */
public final class CmcEndpointHandler extends Handler.Abstract {

  private final CmcEndpoint endpoint;
  private final ClientAuth clientAuth;
  private final CmcAuthority authority;
  private final int maxBodyBytes;

  public CmcEndpointHandler(CmcEndpoint endpoint, ClientAuth clientAuth, CmcAuthority authority, long maxBodyBytes) {
    this.endpoint = endpoint;
    this.clientAuth = clientAuth;
    this.authority = authority;
    this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE - 1, maxBodyBytes);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, HttpMethod.POST.asString());
      HttpAnswer.reason(request, response, callback, 405,
          request.getMethod() + " is not allowed on " + endpoint.path() + ": POST a CMC request");
      return true;
    }
    Caller caller = Peers.caller(request);
    if (clientAuth == ClientAuth.REQUIRED && caller.tlsClientCertificate().isEmpty()) {
      HttpAnswer.reason(request, response, callback, 403,
          endpoint.path() + " requires a TLS client certificate and the connection presented none");
      return true;
    }
    Optional<String> unsupported =
        CmcBody.unsupportedMediaType(Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE)));
    if (unsupported.isPresent()) {
      HttpAnswer.reason(request, response, callback, 415, unsupported.get());
      return true;
    }
    byte[] body;
    try {
      // One byte over the limit, so that the SizeLimitHandler in front (which answers 413) is what trips first.
      body = Content.Source.asByteArrayAsync(request, maxBodyBytes + 1).get();
    } catch (ExecutionException e) {
      // 413 from the SizeLimitHandler; otherwise the client's doing (early EOF, bad chunking), so 400.
      int status = e.getCause() instanceof HttpException http ? http.getCode() : 400;
      HttpAnswer.reason(request, response, callback, status, status == 413
          ? "the request body exceeds " + maxBodyBytes + " bytes"
          : "the request body could not be read: " + e.getCause().getClass().getSimpleName());
      return true;
    }
    Optional<Fields> query = QueryParameters.read(request);
    if (query.isEmpty()) {
      HttpAnswer.reason(request, response, callback, 400, QueryParameters.MALFORMED);
      return true;
    }
    CmcBody.Decoded decoded = CmcBody.decode(body);
    if (decoded instanceof CmcBody.Decoded.Refused refused) {
      HttpAnswer.reason(request, response, callback, refused.status(), refused.reason());
    } else {
      byte[] der = ((CmcBody.Decoded.Der) decoded).der();
      answer(request, response, callback, authority.handle(new CmcSubmission(endpoint,
          QueryParameters.value(query.get(), "profileId"), der, caller)));
    }
    return true;
  }

  private static void answer(Request request, Response response, Callback callback, CmcReply reply) {
    if (reply instanceof CmcReply.Response r) {
      HttpAnswer.send(request, response, callback, 200, r.mediaType(), r.der());
    } else if (reply instanceof CmcReply.Unreadable u) {
      HttpAnswer.reason(request, response, callback, 400, u.reason());
    } else if (reply instanceof CmcReply.Unavailable u) {
      // The CA's token, database or audit log is failing; nothing was issued, so the client may try again.
      HttpAnswer.reason(request, response, callback, 503, u.reason());
    } else {
      throw new IllegalStateException("unknown CMC reply " + reply.getClass().getSimpleName());
    }
  }
}
