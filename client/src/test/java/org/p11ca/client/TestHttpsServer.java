package org.p11ca.client;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A tiny HTTPS server on 127.0.0.1 and an ephemeral port standing in for the CA: it asks for (does not require) a
 * client certificate trusted by {@code pki}, records the last request, and answers with {@code answer} (200) on
 * /ca/ee/ca/..., and 400 with a one-line reason on /bad.
 */
final class TestHttpsServer implements AutoCloseable {

  record Received(String path, String query, Optional<String> contentType, byte[] body,
      Optional<X509Certificate> clientCertificate) {
  }

  static final String BAD_REQUEST_REASON = "malformed CMC request: truncated DER at offset 12";

  private final HttpsServer server;
  private volatile Received last;

  TestHttpsServer(TestPki pki, byte[] answer) throws Exception {
    KeyPair key = TestPki.ec();
    X509Certificate cert = pki.issue("CN=127.0.0.1,O=Example", key.getPublic(), "127.0.0.1");
    KeyStore identity = KeyStore.getInstance("PKCS12");
    identity.load(null, null);
    identity.setKeyEntry("server", key.getPrivate(), new char[0], new Certificate[] {cert, pki.caCert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(identity, new char[0]);
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.caCert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(anchors);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = tls.getDefaultSSLParameters();
        p.setWantClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/ca/ee/ca/", exchange -> {
      record(exchange);
      exchange.getResponseHeaders().add("Content-Type", "application/pkcs7-mime; smime-type=CMC-response");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.createContext("/bad", exchange -> {
      record(exchange);
      byte[] reason = (BAD_REQUEST_REASON + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(400, reason.length);
      exchange.getResponseBody().write(reason);
      exchange.close();
    });
    server.start();
  }

  private void record(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    Optional<X509Certificate> client;
    try {
      client = Optional.of((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0]);
    } catch (SSLPeerUnverifiedException e) {
      client = Optional.empty();
    }
    last = new Received(exchange.getRequestURI().getPath(), exchange.getRequestURI().getQuery(),
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")), body, client);
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url(String path) {
    return "https://127.0.0.1:" + port() + path;
  }

  Received last() {
    return last;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
