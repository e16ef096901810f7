package org.p11ca.server.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
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
import org.p11ca.ca.ocsp.OcspResponder;

/**
 * The OCSP responder over HTTP (RFC 6960 appendix A.1): {@code POST /ocsp} with the DER request as body, or
 * {@code GET /ocsp/{url-encoded base64 of the DER request}}. Public status information: no client certificate
 * asked for. Every OCSPResponse the responder makes, malformedRequest and internalError included, is HTTP 200
 * {@code application/ocsp-response}, since the OCSP status is inside it; HTTP errors are only for requests whose
 * bytes cannot be got at all (unreadable body, a GET path that is not base64, a body over the cap).
 *
 * <p>Blocking by design: the responder reads the database and signs on the token before it answers.
 */
public final class OcspHandler extends Handler.Abstract {

  public static final String PATH = "/ocsp";
  /**
   * Requests are small (a CertID is about 80 bytes, and at most {@link OcspResponder#MAX_CERT_IDS} are answered);
   * the cap leaves room for a signed request with its certificates and refuses anything larger before reading it.
   */
  public static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final OcspResponder responder;

  public OcspHandler(OcspResponder responder) {
    this.responder = Objects.requireNonNull(responder);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Optional<byte[]> der;
    if (HttpMethod.POST.is(request.getMethod())) {
      der = postedBody(request, response, callback);
    } else if (HttpMethod.GET.is(request.getMethod())) {
      der = pathRequest(request, response, callback);
    } else {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, POST");
      HttpAnswer.reason(request, response, callback, 405, request.getMethod() + " is not allowed on " + PATH
          + ": POST an OCSP request, or GET " + PATH + "/{base64 of it} (RFC 6960 A.1)");
      return true;
    }
    // The media type is not checked: clients label requests inconsistently, and the DER says what it is.
    der.ifPresent(bytes -> HttpAnswer.send(request, response, callback, 200, OcspResponder.RESPONSE_MEDIA_TYPE,
        responder.respond(bytes)));
    return true;
  }

  /** The body, or empty once a 400/413 has been sent. */
  private static Optional<byte[]> postedBody(Request request, Response response, Callback callback)
      throws InterruptedException {
    try {
      // One byte over the cap, so that an oversized body is told apart from one exactly at it.
      byte[] body = Content.Source.asByteArrayAsync(request, MAX_REQUEST_BYTES + 1).get();
      if (body.length > MAX_REQUEST_BYTES) {
        HttpAnswer.reason(request, response, callback, 413, "an OCSP request is at most " + MAX_REQUEST_BYTES
            + " bytes");
        return Optional.empty();
      }
      return Optional.of(body);
    } catch (ExecutionException e) {
      int status = e.getCause() instanceof HttpException http ? http.getCode() : 400;
      HttpAnswer.reason(request, response, callback, status, status == 413
          ? "an OCSP request is at most " + MAX_REQUEST_BYTES + " bytes"
          : "the request body could not be read: " + e.getCause().getClass().getSimpleName());
      return Optional.empty();
    }
  }

  /** The request in the path, or empty once a 400/413 has been sent. */
  private static Optional<byte[]> pathRequest(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    String encoded = path.length() > PATH.length() + 1 ? path.substring(PATH.length() + 1) : "";
    if (encoded.isEmpty()) {
      HttpAnswer.reason(request, response, callback, 400, "GET " + PATH + "/{base64 of a DER OCSP request}"
          + " (RFC 6960 A.1), or POST the request");
      return Optional.empty();
    }
    if (encoded.length() > MAX_REQUEST_BYTES * 2) {
      HttpAnswer.reason(request, response, callback, 413, "an OCSP request is at most " + MAX_REQUEST_BYTES
          + " bytes");
      return Optional.empty();
    }
    Optional<byte[]> der = OcspGetPath.decode(encoded);
    if (der.isEmpty()) {
      HttpAnswer.reason(request, response, callback, 400, "the path after " + PATH + "/ is not the URL-encoded"
          + " base64 of a request (RFC 6960 A.1)");
    }
    return der;
  }

  /** RFC 6960 A.1's GET form, as clients really send it. */
  static final class OcspGetPath {

    private OcspGetPath() {
    }

    /**
     * Percent-decodes (a literal '+' stays '+': in a path it never meant a space, and some clients leave it
     * unencoded), then base64-decodes with either alphabet, padding optional: clients send standard base64
     * URL-encoded as the RFC says, or base64url, or raw standard base64 whose '/' Jetty keeps in the path.
     */
    static Optional<byte[]> decode(String encoded) {
      String base64;
      try {
        base64 = URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      String standard = base64.strip().replace('-', '+').replace('_', '/');
      int missingPadding = (4 - standard.length() % 4) % 4;
      if (missingPadding == 3) {
        return Optional.empty();
      }
      try {
        byte[] der = Base64.getDecoder().decode(standard + "=".repeat(missingPadding));
        return der.length == 0 ? Optional.empty() : Optional.of(der);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }
}
