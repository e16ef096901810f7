package org.p11ca.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cms.CMSSignedData;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.service.CmcEndpoint;
import org.p11ca.ca.service.CmcReply;
import org.p11ca.server.config.ClientAuth;
import org.p11ca.server.config.ClientAuthPolicy;
import org.p11ca.server.testing.RecordingAuthority;
import org.p11ca.server.testing.SoftwarePki;

/** The handler tree in process (LocalConnector): status codes, media types and what reaches the CA. */
class HttpEndpointsTest {

  private static final int MAX_BODY = 4096;
  private static final byte[] REQUEST_DER = {0x30, 0x03, 0x02, 0x01, 0x07};
  private static final String USER_SIGNED = CmcEndpoint.USER_SIGNED_FULL.path();

  private final SoftwarePki.Identity ca = SoftwarePki.selfSignedCa("CN=Test CA,O=p11ca");
  private final RecordingAuthority authority = new RecordingAuthority(List.of(ca.holder()));
  private Server server;
  private LocalConnector connector;

  @BeforeEach
  void start() throws Exception {
    server = new Server();
    connector = new LocalConnector(server,
        new HttpConnectionFactory(DogtagCompatibleHttp.configuration(Duration.ofSeconds(10), false)));
    server.addConnector(connector);
    server.setHandler(HttpRoutes.build(HttpRoutes.Services.cmc(authority,
        new ClientAuthPolicy(Map.of(CmcEndpoint.SIMPLE, ClientAuth.REQUIRED))), MAX_BODY));
    server.setErrorHandler(new PlainTextErrorHandler());
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private HttpTester.Response post(String path, Optional<String> contentType, byte[] body) throws Exception {
    String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + contentType.map(t -> "Content-Type: " + t + "\r\n").orElse("")
        + "Content-Length: " + body.length + "\r\n\r\n";
    return send(concat(head.getBytes(StandardCharsets.US_ASCII), body));
  }

  private HttpTester.Response send(byte[] raw) throws Exception {
    ByteBuffer answer = connector.getResponse(ByteBuffer.wrap(raw), Duration.ofSeconds(20).toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    return HttpTester.parseResponse(answer);
  }

  @Test
  void postDer_answers200WithTheCaReplyBytesAndMediaType() throws Exception {
    HttpTester.Response r = post(USER_SIGNED, Optional.of("application/pkcs7-mime"), REQUEST_DER);
    assertEquals(200, r.getStatus(), r.getContent());
    assertEquals(CmcReply.CMC_RESPONSE_MEDIA_TYPE, r.get("Content-Type"));
    assertArrayEquals(RecordingAuthority.RESPONSE_DER, r.getContentBytes());
    assertEquals(CmcEndpoint.USER_SIGNED_FULL, authority.last().endpoint());
    assertArrayEquals(REQUEST_DER, authority.last().body());
    assertEquals(Optional.empty(), authority.last().profileId());
  }

  @Test
  void absentContentType_isAccepted() throws Exception {
    HttpTester.Response r = post(CmcEndpoint.FULL.path(), Optional.empty(), REQUEST_DER);
    assertEquals(200, r.getStatus(), r.getContent());
    assertEquals(CmcEndpoint.FULL, authority.last().endpoint());
  }

  @Test
  void pkcs7MimeWithAnyParameters_andOctetStream_areAccepted() throws Exception {
    for (String type : List.of("application/pkcs7-mime; smime-type=CMC-request",
        "Application/PKCS7-MIME;smime-type=\"CMC-request\"; name=req.p7m", "application/octet-stream")) {
      assertEquals(200, post(USER_SIGNED, Optional.of(type), REQUEST_DER).getStatus(), type);
    }
    assertEquals(3, authority.submissions().size());
  }

  @Test
  void otherContentType_is415WithOneLineReason() throws Exception {
    HttpTester.Response r = post(USER_SIGNED, Optional.of("application/x-www-form-urlencoded"), REQUEST_DER);
    assertEquals(415, r.getStatus());
    assertOneLineReason(r, "Content-Type");
    assertTrue(authority.submissions().isEmpty(), "the CA must not see a refused request");
  }

  @Test
  void bodyTheCaCannotRead_is400WithItsReason() throws Exception {
    authority.answering(s -> new CmcReply.Unreadable("not a CMC request: truncated DER at offset 3"));
    HttpTester.Response r = post(USER_SIGNED, Optional.empty(), new byte[] {0x30, 0x7f, 0x01});
    assertEquals(400, r.getStatus());
    assertOneLineReason(r, "truncated DER at offset 3");
  }

  @Test
  void emptyBody_is400() throws Exception {
    HttpTester.Response r = post(USER_SIGNED, Optional.empty(), new byte[0]);
    assertEquals(400, r.getStatus());
    assertOneLineReason(r, "empty");
  }

  @Test
  void base64Body_withAndWithoutPemArmour_isDecodedToDer() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(REQUEST_DER);
    post(USER_SIGNED, Optional.empty(), b64.getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals(REQUEST_DER, authority.last().body());
    String pem = "-----BEGIN CMC REQUEST-----\r\n" + b64 + "\r\n-----END CMC REQUEST-----\r\n";
    assertEquals(200, post(USER_SIGNED, Optional.empty(), pem.getBytes(StandardCharsets.US_ASCII)).getStatus());
    assertArrayEquals(REQUEST_DER, authority.last().body());
  }

  @Test
  void textThatIsNotBase64_is400() throws Exception {
    HttpTester.Response r = post(USER_SIGNED, Optional.empty(), "hello, CA!".getBytes(StandardCharsets.US_ASCII));
    assertEquals(400, r.getStatus());
    assertOneLineReason(r, "neither DER nor base64");
  }

  @Test
  void bodyOverTheLimit_is413_withContentLength() throws Exception {
    byte[] big = new byte[MAX_BODY + 1];
    big[0] = 0x30;
    HttpTester.Response r = post(USER_SIGNED, Optional.empty(), big);
    assertEquals(413, r.getStatus());
    assertTrue(authority.submissions().isEmpty());
  }

  @Test
  void bodyOverTheLimit_is413_whenChunked() throws Exception {
    byte[] chunk = new byte[MAX_BODY];
    chunk[0] = 0x30;
    String head = "POST " + USER_SIGNED + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n";
    byte[] raw = concat(concat(head.getBytes(StandardCharsets.US_ASCII),
        (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII)), chunk);
    raw = concat(raw, "\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    HttpTester.Response r = send(raw);
    assertEquals(413, r.getStatus());
    assertTrue(authority.submissions().isEmpty());
  }

  @Test
  void getOnACmcEndpoint_is405WithAllow() throws Exception {
    HttpTester.Response r = send(("GET " + USER_SIGNED + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    assertEquals(405, r.getStatus());
    assertEquals("POST", r.get("Allow"));
    assertOneLineReason(r, "POST");
  }

  @Test
  void postOnTheChainEndpoint_is405() throws Exception {
    assertEquals(405, post(CaCertificateHandler.CHAIN_PATH, Optional.empty(), REQUEST_DER).getStatus());
  }

  @Test
  void unknownPath_is404WithOneLineReason() throws Exception {
    HttpTester.Response r = post("/ca/ee/ca/profileSubmit", Optional.empty(), REQUEST_DER);
    assertEquals(404, r.getStatus());
    assertOneLineReason(r, "/ca/ee/ca/profileSubmit");
  }

  @Test
  void unexpectedFailureInTheCa_is500WithAGenericLineAndNoStackTrace() throws Exception {
    authority.answering(s -> {
      throw new IllegalStateException("secret internals at org.p11ca.Something");
    });
    HttpTester.Response r = post(USER_SIGNED, Optional.empty(), REQUEST_DER);
    assertEquals(500, r.getStatus());
    assertOneLineReason(r, "internal error");
    assertFalse(r.getContent().contains("secret internals"), r.getContent());
  }

  @Test
  void caUnavailable_is503WithItsReason() throws Exception {
    authority.answering(s -> new CmcReply.Unavailable("the audit log cannot be written"));
    HttpTester.Response r = post(USER_SIGNED, Optional.empty(), REQUEST_DER);
    assertEquals(503, r.getStatus());
    assertOneLineReason(r, "audit log");
  }

  @Test
  void profileIdQueryParameter_reachesTheCa() throws Exception {
    post(CmcEndpoint.FULL.path() + "?profileId=caServerCert", Optional.empty(), REQUEST_DER);
    assertEquals(Optional.of("caServerCert"), authority.last().profileId());
  }

  @Test
  void requiredClientCertificate_missing_is403BeforeTheCaIsAsked() throws Exception {
    HttpTester.Response r = post(CmcEndpoint.SIMPLE.path(), Optional.empty(), REQUEST_DER);
    assertEquals(403, r.getStatus());
    assertOneLineReason(r, "client certificate");
    assertTrue(authority.submissions().isEmpty());
  }

  @Test
  void getCertChain_isTheChainAsCertsOnlyPkcs7() throws Exception {
    HttpTester.Response r = send(("GET " + CaCertificateHandler.CHAIN_PATH
        + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertEquals(200, r.getStatus());
    assertEquals(CmcReply.CERTS_ONLY_MEDIA_TYPE, r.get("Content-Type"));
    CMSSignedData p7 = new CMSSignedData(ContentInfo.getInstance(r.getContentBytes()));
    assertEquals(List.of(ca.holder()), List.copyOf(p7.getCertificates().getMatches(null)));
  }

  @Test
  void getCaCert_isPem() throws Exception {
    HttpTester.Response r = send(("GET " + CaCertificateHandler.PEM_PATH
        + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertEquals(200, r.getStatus());
    assertEquals("application/x-pem-file", r.get("Content-Type"));
    String pem = r.getContent();
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----\n"), pem);
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    assertArrayEquals(ca.certificate().getEncoded(), Base64.getDecoder().decode(b64));
  }

  @Test
  void queryStringThatIsNotUrlEncoding_is400WithOneLineReason() throws Exception {
    HttpTester.Response r = post(USER_SIGNED + "?profileId=ca%zzCert", Optional.empty(), REQUEST_DER);
    assertEquals(400, r.getStatus());
    assertOneLineReason(r, "not valid URL encoding");
    assertTrue(authority.submissions().isEmpty(), "the CA must not see a refused request");
  }

  @Test
  void malformedHttp_isAnsweredByJettyInPlainText() throws Exception {
    HttpTester.Response r = send("POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: nope\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    assertEquals(400, r.getStatus());
    assertEquals(HttpAnswer.TEXT_PLAIN, r.get("Content-Type"));
    assertFalse(r.getContent().contains("<html"), r.getContent());
  }

  /**
   * HTTP requests with bytes changed, inserted or cut in the request line, the headers and the body: every answer is
   * a well-formed HTTP response in plain text or a CMC reply, and never a 500 (which would mean the handler tree
   * tripped over input it should have refused).
   */
  @Test
  void mutatedHttpRequests_areAnsweredButNever500() throws Exception {
    byte[] valid = concat(("POST " + USER_SIGNED + "?profileId=caFullCMCUserSignedCert HTTP/1.1\r\nHost: localhost"
        + "\r\nConnection: close\r\nContent-Type: application/pkcs7-mime; smime-type=CMC-request\r\n"
        + "Content-Length: " + REQUEST_DER.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), REQUEST_DER);
    byte[] alphabet = "%/?=&;:. \r\n\0\\\"#~+-0aZ\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    java.util.Random random = new java.util.Random(6);
    List<String> problems = new java.util.ArrayList<>();
    for (int i = 0; i < 400 && problems.size() < 10; i++) {
      byte[] raw = valid.clone();
      int at = random.nextInt(raw.length);
      byte b = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
      String what;
      switch (random.nextInt(3)) {
        case 0 -> {
          raw[at] = b;
          what = "byte " + at + " := " + (b & 0xff);
        }
        case 1 -> {
          raw = concat(java.util.Arrays.copyOf(raw, at), concat(new byte[] {b},
              java.util.Arrays.copyOfRange(raw, at, raw.length)));
          what = (b & 0xff) + " inserted at " + at;
        }
        default -> {
          raw = concat(java.util.Arrays.copyOf(raw, at), java.util.Arrays.copyOfRange(raw, at + 1, raw.length));
          what = "byte " + at + " deleted";
        }
      }
      HttpTester.Response r;
      try {
        r = send(raw);
      } catch (Exception e) {
        problems.add(what + ": no parseable answer: " + e);
        continue;
      }
      // 505: Jetty's answer to a request line whose version a mutation broke.
      if (r == null || (r.getStatus() >= 500 && r.getStatus() != 505)) {
        problems.add(what + ": " + (r == null ? "no answer" : r.getStatus() + " " + r.getContent()));
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  private static void assertOneLineReason(HttpTester.Response r, String expectedPart) {
    assertEquals(HttpAnswer.TEXT_PLAIN, r.get("Content-Type"));
    String text = r.getContent();
    assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, "one line: " + text);
    assertTrue(text.contains(expectedPart), text);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
