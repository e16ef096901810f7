package org.p11ca.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Posts one DER CMC request over HTTPS and returns the DER answer, as Dogtag's HttpClient does, but with the
 * server's certificate chain checked against exactly one trusted CA and its host name checked (RFC 2818), which the
 * JDK's HttpClient does for https URIs.
 */
final class CmcHttpsClient {

  /** RFC 5273 section 3: the MIME type of a CMC request. */
  static final String CMC_REQUEST_TYPE = "application/pkcs7-mime; smime-type=CMC-request";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** Issuance signs on an HSM, which can queue; generous, but a dead server must not hang a script for ever. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
  private static final int MAX_REASON_CHARS = 300;

  private final SSLContext tls;

  CmcHttpsClient(X509Certificate trustedCa, Optional<KeyManager> clientIdentity) {
    this.tls = context(trustedCa, clientIdentity);
  }

  byte[] post(URI uri, byte[] body, boolean sendContentType) {
    SSLParameters parameters = tls.getDefaultSSLParameters();
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    HttpClient client = HttpClient.newBuilder()
        .sslContext(tls)
        .sslParameters(parameters)
        // Dogtag-compatible servers speak HTTP/1.x; no h2 upgrade attempt.
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (sendContentType) {
      request.header("Content-Type", CMC_REQUEST_TYPE);
    }
    HttpResponse<byte[]> response;
    String where = uri.getHost() + ":" + (uri.getPort() < 0 ? 443 : uri.getPort());
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (SSLHandshakeException e) {
      throw new CmcToolException("TLS handshake with " + where + " failed: " + ErrorReporter.oneLine(e.getMessage()),
          e);
    } catch (HttpConnectTimeoutException e) {
      throw new CmcToolException("cannot connect to " + where + ": no answer within " + CONNECT_TIMEOUT.toSeconds()
          + " s", e);
    } catch (HttpTimeoutException e) {
      throw new CmcToolException(where + " sent no answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
    } catch (ConnectException e) {
      throw new CmcToolException("cannot connect to " + where + ": " + (e.getMessage() != null ? e.getMessage()
          : "connection refused"), e);
    } catch (IOException e) {
      throw new CmcToolException("request to " + uri + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() != null ? " " + ErrorReporter.oneLine(e.getMessage()) : ""), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CmcToolException("interrupted while waiting for " + where, e);
    }
    if (response.statusCode() != 200) {
      throw new CmcToolException("the server answered HTTP " + response.statusCode() + reason(response.body()));
    }
    if (response.body().length == 0) {
      throw new CmcToolException("the server answered HTTP 200 with an empty body");
    }
    return response.body();
  }

  /** The first line of a text body: servers put their one-line reason there. */
  private static String reason(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (text.isEmpty() || !text.codePoints().limit(MAX_REASON_CHARS)
        .allMatch(c -> c >= 0x20 || c == '\n' || c == '\r' || c == '\t')) {
      return "";
    }
    String first = text.lines().findFirst().orElse("").strip();
    return ": " + (first.length() > MAX_REASON_CHARS ? first.substring(0, MAX_REASON_CHARS) + "..." : first);
  }

  /** Trusts exactly {@code ca} as a trust anchor (PKIX path validation of the server's chain). */
  private static SSLContext context(X509Certificate ca, Optional<KeyManager> clientIdentity) {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("ca", ca);
      TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(clientIdentity.map(k -> new KeyManager[] {k}).orElse(null), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new CmcToolException("cannot set up TLS: " + e.getMessage(), e);
    }
  }
}
