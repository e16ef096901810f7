package org.p11ca.server.http;

import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.p11ca.ca.crl.CrlSource;
import org.p11ca.ca.error.CaException;

/**
 * {@code GET} the CA's current full CRL as DER, {@code application/pkix-crl} (RFC 2585 section 4.2, the type RFC
 * 5280 4.2.1.13 expects at an HTTP distribution point). Public, like the CA certificate: no client certificate
 * asked for. Query parameters (Dogtag's {@code crlIssuingPoint=MasterCRL&op=getCRL...}) are ignored: there is one
 * CRL.
 */
public final class CrlHandler extends Handler.Abstract {

  /** Dogtag's path. */
  public static final String DOGTAG_PATH = "/ca/ee/ca/getCRL";
  /** A short path, for a distribution point URL or a plain-HTTP front that fetches from here. */
  public static final String SHORT_PATH = "/ca/crl";
  public static final String MEDIA_TYPE = "application/pkix-crl";

  private static final System.Logger LOG = System.getLogger(CrlHandler.class.getName());

  /**
   * What the CRL endpoints need.
   *
   * @param extraPaths more paths to serve it at: those of the profiles' http crlDistributionPoint URLs
   */
  public record Publication(CrlSource crls, Set<String> extraPaths) {
    public Publication {
      Objects.requireNonNull(crls);
      extraPaths = Set.copyOf(extraPaths);
    }
  }

  private final CrlSource crls;

  public CrlHandler(CrlSource crls) {
    this.crls = Objects.requireNonNull(crls);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      HttpAnswer.reason(request, response, callback, 405, request.getMethod() + " is not allowed here: use GET");
      return true;
    }
    byte[] der;
    try {
      der = crls.current().der();
    } catch (CaException e) {
      LOG.log(System.Logger.Level.ERROR, "cannot serve the CRL: " + e.detail(), e);
      HttpAnswer.reason(request, response, callback, 503, "no current CRL can be served: " + e.detail());
      return true;
    }
    HttpAnswer.send(request, response, callback, 200, MEDIA_TYPE, der);
    return true;
  }
}
