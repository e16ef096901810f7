package org.p11ca.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS client on a plain socket to 127.0.0.1, so tests see the answer byte for byte (Dogtag's HttpClient parses
 * it exactly that crudely). It trusts only the given server CA and checks nothing else about the name.
 */
public final class RawHttps {

  private final SSLContext context;
  private final int port;

  public RawHttps(int port, X509Certificate serverCa, Optional<SoftwarePki.Identity> clientIdentity) {
    this.port = port;
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", serverCa);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      char[] password = "client".toCharArray();
      if (clientIdentity.isPresent()) {
        kmf.init(clientIdentity.get().keyStore("client", password), password);
      } else {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        kmf.init(empty, password);
      }
      context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code request} as is on a new connection and returns everything the server sent until it closed. */
  public byte[] exchange(byte[] request) throws IOException {
    try (SSLSocket socket = open()) {
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return socket.getInputStream().readAllBytes();
    }
  }

  public SSLSocket open() throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    socket.startHandshake();
    return socket;
  }

  /** An HTTP/1.0 POST as Dogtag's HttpClient writes it: no Content-Type, a Content-length, the body. */
  public static byte[] http10Post(String path, byte[] body) {
    String head = "POST " + path + " HTTP/1.0\r\nContent-length: " + body.length + "\r\n\r\n";
    return concat(head.getBytes(StandardCharsets.US_ASCII), body);
  }

  public static byte[] http11Post(String path, String extraHeaders, byte[] body) {
    String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length + "\r\n"
        + extraHeaders + "\r\n";
    return concat(head.getBytes(StandardCharsets.US_ASCII), body);
  }

  /** Reads one HTTP/1.1 response with a Content-Length from a kept-alive connection. */
  public static Response readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed inside the response head");
      }
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    Response parsed = Response.parse(head.toByteArray());
    int length = Integer.parseInt(parsed.header("Content-Length").orElseThrow());
    return new Response(parsed.statusLine(), parsed.headers(), in.readNBytes(length));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** A parsed answer; {@link #headers()} in the order sent. */
  public record Response(String statusLine, List<String> headers, byte[] body) {

    public static Response parse(byte[] raw) {
      int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      if (end < 0) {
        throw new IllegalArgumentException("no end of headers in " + new String(raw, StandardCharsets.ISO_8859_1));
      }
      String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
      List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
      byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
      return new Response(lines[0], headers, body);
    }

    public int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }

    public Optional<String> header(String name) {
      return headers.stream().filter(h -> h.regionMatches(true, 0, name + ":", 0, name.length() + 1))
          .map(h -> h.substring(name.length() + 1).strip()).findFirst();
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] data, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= data.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (data[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
