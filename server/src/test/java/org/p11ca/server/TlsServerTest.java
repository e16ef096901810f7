package org.p11ca.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.service.CmcEndpoint;
import org.p11ca.ca.service.CmcReply;
import org.p11ca.server.config.ClientAuth;
import org.p11ca.server.config.ClientAuthPolicy;
import org.p11ca.server.config.HttpSettings;
import org.p11ca.server.http.HttpRoutes;
import org.p11ca.server.testing.RawHttps;
import org.p11ca.server.testing.RecordingAuthority;
import org.p11ca.server.testing.SoftwarePki;
import org.p11ca.server.tls.TlsContexts;

/**
 * The real HTTPS server on an ephemeral loopback port, with a software TLS key (the token-backed key is covered by
 * {@link CaInstanceTest}): the HTTP/1.0 layout Dogtag's HttpClient needs, client certificates, TLS session audit.
 */
class TlsServerTest {

  private static final byte[] REQUEST_DER = {0x30, 0x03, 0x02, 0x01, 0x07};
  private static final char[] KEY_PASSWORD = "server-test".toCharArray();

  private final SoftwarePki.Identity serverCa = SoftwarePki.selfSignedCa("CN=Server Test CA");
  private final SoftwarePki.Identity serverTls = SoftwarePki.issue(serverCa, "CN=localhost");
  private final SoftwarePki.Identity foreignCa = SoftwarePki.selfSignedCa("CN=Somebody Else's CA");
  private final SoftwarePki.Identity client = SoftwarePki.issue(foreignCa, "CN=Lady Christina Fu,UID=cfu,O=Example");
  private final BlockingQueue<AuditEvent> audit = new LinkedBlockingQueue<>();
  private final RecordingAuthority authority = new RecordingAuthority(List.of(serverCa.holder()));
  private CaHttpServer server;

  @BeforeEach
  void start() throws Exception {
    // The CA's own audit events go to the same sink as the session events, as the AuditLog is shared in production.
    authority.answering(s -> {
      audit.add(new AuditEvent.AuthSuccess("request-of-" + s.caller().clientIp(), "Test"));
      return new CmcReply.Response(RecordingAuthority.RESPONSE_DER, CmcReply.CMC_RESPONSE_MEDIA_TYPE,
          CmcStatus.SUCCESS);
    });
    HttpSettings http = new HttpSettings("127.0.0.1", 0, 4096, Duration.ofSeconds(20), Duration.ofSeconds(5),
        List.of("localhost"));
    var tls = TlsContexts.server(serverTls.keyStore("tls", KEY_PASSWORD), "tls",
        Optional.of(new String(KEY_PASSWORD)), true);
    server = CaHttpServer.start(http, HttpRoutes.Services.cmc(authority,
        new ClientAuthPolicy(Map.of(CmcEndpoint.SIMPLE, ClientAuth.REQUIRED))), tls, audit::add, 2);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private RawHttps anonymous() {
    return new RawHttps(server.port(), serverCa.certificate(), Optional.empty());
  }

  private RawHttps withClientCertificate() {
    return new RawHttps(server.port(), serverCa.certificate(), Optional.of(client));
  }

  @Test
  void http10Post_answerIsStatusLineFourHeadersBlankLine_andTheDerAfterTheSixthLineFeed() throws Exception {
    byte[] raw = anonymous().exchange(RawHttps.http10Post(CmcEndpoint.USER_SIGNED_FULL.path(), REQUEST_DER));

    // What Dogtag's HttpClient does: skip six line feeds, the rest is the response.
    int lineFeeds = 0;
    int bodyStart = -1;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\n' && ++lineFeeds == 6) {
        bodyStart = i + 1;
        break;
      }
    }
    assertTrue(bodyStart > 0, new String(raw, StandardCharsets.ISO_8859_1));
    assertArrayEquals(RecordingAuthority.RESPONSE_DER, java.util.Arrays.copyOfRange(raw, bodyStart, raw.length));

    RawHttps.Response r = RawHttps.Response.parse(raw);
    assertEquals(200, r.status());
    List<String> names = new ArrayList<>();
    r.headers().forEach(h -> names.add(h.substring(0, h.indexOf(':')).toLowerCase(Locale.ROOT)));
    assertEquals(List.of("content-type", "content-length", "date", "connection").stream().sorted().toList(),
        names.stream().sorted().toList(), r.headers().toString());
    assertEquals(Optional.of("close"), r.header("Connection"));
    assertEquals(Optional.of(CmcReply.CMC_RESPONSE_MEDIA_TYPE), r.header("Content-Type"));
  }

  @Test
  void http11_keepsTheConnectionForTheNextRequest() throws Exception {
    try (SSLSocket socket = anonymous().open()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < 3; i++) {
        out.write(RawHttps.http11Post(CmcEndpoint.USER_SIGNED_FULL.path(), "", REQUEST_DER));
        out.flush();
        RawHttps.Response r = RawHttps.readResponse(in);
        assertEquals(200, r.status());
        assertTrue(r.header("Connection").isEmpty(), r.headers().toString());
        assertArrayEquals(RecordingAuthority.RESPONSE_DER, r.body());
      }
    }
    assertEquals(3, authority.submissions().size());
  }

  @Test
  void clientCertificateFromAForeignCa_isAcceptedAtTls_andReachesTheCaller() throws Exception {
    RawHttps.Response r = RawHttps.Response.parse(withClientCertificate()
        .exchange(RawHttps.http10Post(CmcEndpoint.USER_SIGNED_FULL.path(), REQUEST_DER)));
    assertEquals(200, r.status());
    var caller = authority.last().caller();
    assertEquals(Optional.of(client.certificate()), caller.tlsClientCertificate());
    assertEquals("127.0.0.1", caller.clientIp());
    assertEquals("127.0.0.1", caller.serverIp());
  }

  @Test
  void noClientCertificate_reachesTheCallerAsEmpty() throws Exception {
    anonymous().exchange(RawHttps.http10Post(CmcEndpoint.USER_SIGNED_FULL.path(), REQUEST_DER));
    assertEquals(Optional.empty(), authority.last().caller().tlsClientCertificate());
  }

  @Test
  void endpointRequiringAClientCertificate_is403WithoutOne_and200WithOne() throws Exception {
    RawHttps.Response refused = RawHttps.Response.parse(anonymous()
        .exchange(RawHttps.http10Post(CmcEndpoint.SIMPLE.path(), REQUEST_DER)));
    assertEquals(403, refused.status());
    assertTrue(refused.text().contains("requires a TLS client certificate"), refused.text());
    assertTrue(authority.submissions().isEmpty());

    RawHttps.Response accepted = RawHttps.Response.parse(withClientCertificate()
        .exchange(RawHttps.http10Post(CmcEndpoint.SIMPLE.path(), REQUEST_DER)));
    assertEquals(200, accepted.status());
  }

  @Test
  void tlsSession_isAuditedBeforeAndAfterTheRequestsOwnEvents() throws Exception {
    withClientCertificate().exchange(RawHttps.http10Post(CmcEndpoint.USER_SIGNED_FULL.path(), REQUEST_DER));

    var established = assertInstanceOf(AuditEvent.AccessSessionEstablishSuccess.class, next());
    assertEquals(client.certificate().getSubjectX500Principal().getName(), established.subjectId());
    assertEquals("127.0.0.1", established.clientIp());
    assertInstanceOf(AuditEvent.AuthSuccess.class, next());
    var terminated = assertInstanceOf(AuditEvent.AccessSessionTerminated.class, next());
    assertEquals(established.subjectId(), terminated.subjectId());
    assertEquals("CLOSE_NOTIFY", terminated.info());
  }

  @Test
  void tlsSessionWithoutClientCertificate_isAuditedWithSubjectDashes() throws Exception {
    anonymous().exchange(RawHttps.http10Post(CmcEndpoint.USER_SIGNED_FULL.path(), REQUEST_DER));
    var established = assertInstanceOf(AuditEvent.AccessSessionEstablishSuccess.class, next());
    assertEquals("--", established.subjectId());
  }

  @Test
  void failedHandshake_isAuditedAsEstablishFailure() throws Exception {
    // Plain HTTP on the TLS port: not a ClientHello.
    try (Socket plain = new Socket("127.0.0.1", server.port())) {
      plain.setSoTimeout(20_000);
      plain.getOutputStream().write(RawHttps.http10Post(CmcEndpoint.USER_SIGNED_FULL.path(), REQUEST_DER));
      plain.getOutputStream().flush();
      plain.getInputStream().readAllBytes();
    } catch (IOException closedByServer) {
      // The server may reset the connection; the audit event is what matters.
    }
    var failure = assertInstanceOf(AuditEvent.AccessSessionEstablishFailure.class, next());
    assertEquals("--", failure.subjectId());
    assertTrue(authority.submissions().isEmpty());
  }

  @Test
  void untrustedServerCertificate_failsTheClient_notTheServer() {
    RawHttps wrongTrust = new RawHttps(server.port(), foreignCa.certificate(), Optional.empty());
    assertThrows(IOException.class, wrongTrust::open);
  }

  @Test
  void stop_letsARequestInFlightFinish_thenRefusesNewConnections() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    authority.answering(s -> {
      entered.countDown();
      try {
        assertTrue(release.await(20, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new CmcReply.Response(RecordingAuthority.RESPONSE_DER, CmcReply.CMC_RESPONSE_MEDIA_TYPE,
          CmcStatus.SUCCESS);
    });
    RawHttps client = anonymous();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<byte[]> inFlight = threads.submit(() -> client
          .exchange(RawHttps.http10Post(CmcEndpoint.USER_SIGNED_FULL.path(), REQUEST_DER)));
      assertTrue(entered.await(20, TimeUnit.SECONDS), "the request never reached the CA");
      Future<?> stopping = threads.submit(() -> {
        server.close();
        return null;
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!server.isStopping() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertTrue(server.isStopping());
      release.countDown();
      RawHttps.Response r = RawHttps.Response.parse(inFlight.get(20, TimeUnit.SECONDS));
      assertEquals(200, r.status());
      assertArrayEquals(RecordingAuthority.RESPONSE_DER, r.body());
      stopping.get(20, TimeUnit.SECONDS);
      assertThrows(IOException.class, client::open);
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  private AuditEvent next() throws InterruptedException {
    AuditEvent e = audit.poll(20, TimeUnit.SECONDS);
    assertNotNull(e, "no audit event within 20 s");
    return e;
  }
}
