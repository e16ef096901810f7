package org.p11ca.bench.cmc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * One HTTP/1.1 connection over TLS, kept alive for every request a load-generator worker sends: a blocking
 * {@link SSLSocket} and just enough HTTP/1.1 to POST a body and read a Content-Length or chunked answer.
 *
 * <p>Why not java.net.http or Jetty's client: the generator shares the machine's two cores with the server, so its
 * cost per request is taken from the figure being measured. A blocking socket per worker costs the TLS record
 * crypto and little else (no selector thread, no futures, no per-request objects beyond the buffers), and it makes
 * connection reuse certain rather than a pool's policy: exactly one handshake per worker, counted.
 *
 * <p>The server certificate is verified against the bench CA (the server issues its TLS certificate from it) and
 * for the host name {@code localhost}, while the socket connects to 127.0.0.1, where the server listens.
 */
final class KeepAliveHttps implements AutoCloseable {

  static final String HOST_NAME = "localhost";

  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] requestHead;

  private KeepAliveHttps(SSLSocket socket, String path, int port) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    this.requestHead = ("POST " + path + " HTTP/1.1\r\nHost: " + HOST_NAME + ":" + port
        + "\r\nContent-Type: application/pkcs7-mime\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
  }

  /** A context that trusts exactly {@code ca}. */
  static SSLSocketFactory trusting(X509Certificate ca) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("bench-ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make a TLS context trusting the bench CA", e);
    }
  }

  /** Connects and completes the TLS handshake now, so that no timed request pays for it. */
  static KeepAliveHttps open(SSLSocketFactory tls, int port, String path) throws IOException {
    Socket tcp = new Socket();
    tcp.setTcpNoDelay(true);
    tcp.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    tcp.setSoTimeout(60_000);
    SSLSocket s = (SSLSocket) tls.createSocket(tcp, HOST_NAME, port, true);
    SSLParameters params = s.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    s.setSSLParameters(params);
    s.startHandshake();
    return new KeepAliveHttps(s, path, port);
  }

  /** The answer to one POST. */
  record Answer(int status, byte[] body, boolean serverCloses) {
  }

  Answer post(byte[] body) throws IOException {
    out.write(requestHead);
    out.write(Integer.toString(body.length).getBytes(StandardCharsets.US_ASCII));
    out.write('\r');
    out.write('\n');
    out.write('\r');
    out.write('\n');
    out.write(body);
    out.flush();
    return readAnswer();
  }

  private Answer readAnswer() throws IOException {
    String statusLine = line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
    }
    int status = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    boolean closes = parts[0].equals("HTTP/1.0");
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> closes = value.equalsIgnoreCase("close");
        default -> { }
      }
    }
    byte[] answer;
    if (chunked) {
      answer = chunkedBody();
    } else if (length >= 0) {
      answer = in.readNBytes((int) length);
      if (answer.length != length) {
        throw new EOFException("the answer ended after " + answer.length + " of " + length + " bytes");
      }
    } else {
      throw new IOException("an answer with neither Content-Length nor chunked encoding (status " + status + ")");
    }
    return new Answer(status, answer, closes);
  }

  private byte[] chunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) {
        while (!line().isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(n);
      if (chunk.length != n) {
        throw new EOFException("a chunk ended early");
      }
      body.write(chunk);
      line();
    }
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing after the measurement; nothing depends on it.
    }
  }
}
