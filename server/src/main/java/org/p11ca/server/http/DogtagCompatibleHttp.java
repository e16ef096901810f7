package org.p11ca.server.http;

import java.time.Duration;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;

/** The HTTP settings every connector of the server uses. */
public final class DogtagCompatibleHttp {

  private DogtagCompatibleHttp() {
  }

  /**
   * No Server and X-Powered-By headers, a Date header: with the Content-Type, Content-Length and Connection that
   * {@link HttpAnswer} sets, an HTTP/1.0 answer has exactly the four header lines Dogtag's HttpClient can parse.
   * Also less for a scanner to fingerprint.
   */
  public static HttpConfiguration configuration(Duration idleTimeout, boolean tls) {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setSendDateHeader(true);
    http.setIdleTimeout(idleTimeout.toMillis());
    // OCSP GET (RFC 6960 A.1) puts URL-encoded base64 in the path, so '/' arrives as %2F, which Jetty refuses by
    // default as ambiguous. The ambiguity matters to servlet security constraints matched on paths; here every
    // handler is an exact path that makes its own access decision, so a decoded %2F cannot bypass anything.
    http.setUriCompliance(UriCompliance.DEFAULT.with("p11ca-ocsp-get",
        UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
    if (tls) {
      // One certificate for all names, and Dogtag's and Java's clients send no SNI for an IP address, so Jetty's
      // SNI-versus-Host check would only refuse good clients. No HSTS header either: it would be a fifth line.
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      secure.setSniRequired(false);
      http.addCustomizer(secure);
    }
    return http;
  }
}
