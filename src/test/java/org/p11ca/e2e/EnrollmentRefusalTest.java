package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.crmf.CertReqMessages;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.crmf.CertificateRequestMessageBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.ca.repository.RevocationReason;
import org.p11ca.ca.repository.RevocationResult;

/**
 * Issue [2] acceptance 2 over real HTTPS, against one {@code p11ca serve} for the class: every refusal the CA makes
 * after reading a request is an HTTP 200 CMC failure response signed by the CA, with the RFC 5272 failInfo and a
 * FAILURE audit event; a request it cannot read, or that the transport refuses, is a 4xx with a one-line reason.
 * Never a 500, and the server goes on issuing afterwards. Requests are made by {@code p11ca-cmc} as a subscriber
 * would, except where the point is a request the client would never build (bad POP, RSA-1024), which Bouncy Castle
 * builds here and the client then wraps and signs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnrollmentRefusalTest {

  static final String BOB = "UID=bob,O=Example";
  static final String CAROL = "UID=carol,O=Example";
  static final String RITA = "UID=rita,O=Example";
  static final String EDDIE = "UID=eddie,O=Example";
  static final String USER_SIGNED = "/ca/ee/ca/profileSubmitUserSignedCMCFull";
  static final String SHORT_LIVED_PROFILE = "caShortLivedUserCert";
  static final int MAX_BODY_BYTES = 65536;

  RunningCa ca;
  Path work;
  String pass;
  Path bob;
  Path carol;
  Path rita;
  Path eddie;
  /** A CRMF for a fresh key with bob's subject and signature POP, made once and wrapped again as needed. */
  Path bobCrmf;
  PublicKey caKey;
  final AtomicInteger files = new AtomicInteger();
  /** POSTs sent to the server, by the client tool or raw. */
  final AtomicInteger posts = new AtomicInteger();

  @BeforeAll
  void startCa(@TempDir Path dir) throws Exception {
    Path profiles = Files.createDirectories(dir.resolve("profiles"));
    writeProfiles(profiles);
    ca = RunningCa.prepare(dir, "  maxBodyBytes: " + MAX_BODY_BYTES + "\n", "profilesDir: " + profiles + "\n");
    pass = ca.passwordFile.toString();
    work = Files.createDirectories(dir.resolve("work"));
    // Bootstrap writes the audit log, which has one writer: every user is made before the server starts.
    bob = ca.bootstrapUser("bob", BOB, false);
    carol = ca.bootstrapUser("carol", CAROL, false);
    rita = ca.bootstrapUser("rita", RITA, false);
    eddie = ca.bootstrapUser("eddie", EDDIE, false, SHORT_LIVED_PROFILE);
    bobCrmf = crmf(BOB);
    caKey = RunningCa.certificate(ca.caPem).getPublicKey();
    ca.start();
  }

  @AfterAll
  void stopCa() throws Exception {
    if (ca != null) {
      ca.close();
    }
  }

  /**
   * The shipped profiles (the loader wants each file named after its id) plus one that issues certificates living
   * three seconds, so a signer can expire during the test.
   */
  private static void writeProfiles(Path profiles) throws IOException {
    for (String id : ProfileLoader.DEFAULT_PROFILE_IDS) {
      Files.writeString(profiles.resolve(id + ".yaml"), shippedProfile(id));
    }
    String userCert = shippedProfile("caFullCMCUserCert");
    String shortLived = userCert.replace("id: caFullCMCUserCert\n", "id: " + SHORT_LIVED_PROFILE + "\n")
        .replace("validity: P180D\n", "validity: PT3S\n");
    assertTrue(shortLived.contains("id: " + SHORT_LIVED_PROFILE + "\n") && shortLived.contains("validity: PT3S\n"),
        "caFullCMCUserCert.yaml changed shape; adapt the short-lived copy:\n" + userCert);
    Files.writeString(profiles.resolve(SHORT_LIVED_PROFILE + ".yaml"), shortLived);
  }

  private static String shippedProfile(String id) throws IOException {
    try (InputStream in = ProfileLoader.class.getResourceAsStream(id + ".yaml")) {
      assertTrue(in != null, "profile resource " + id + ".yaml is on the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  // ---- refusals inside the CMC message: HTTP 200, a signed failure response, a FAILURE audit event ----

  @Test
  void brokenSignatureOverPkiData_isBadMessageCheck() throws Exception {
    // 0x5AA5F00D encodes as INTEGER 02 04 5A A5 F0 0D inside the signed eContent: change it and the signed
    // messageDigest no longer matches.
    byte[] request = Files.readAllBytes(request(bobCrmf, bob, "--transaction-id", "0x5AA5F00D"));
    byte[] transactionId = {0x02, 0x04, 0x5A, (byte) 0xA5, (byte) 0xF0, 0x0D};
    int at = indexOf(request, transactionId, 0);
    assertEquals(-1, indexOf(request, transactionId, at + 1), "the transactionId occurs once");
    request[at + transactionId.length - 1] ^= 0x01;
    Path broken = Files.write(file("broken.cmc.der"), request);

    int from = auditSize();
    assertFailure(submit(broken, Optional.of(bob)), FailInfo.BAD_MESSAGE_CHECK, "does not verify");
    assertAuditedFailure(from, "CMC_USER_SIGNED_REQUEST_SIG_VERIFY_FAILURE", "does not verify");
    assertAuditedFailure(from, "AUTH_FAILURE", "does not verify");
  }

  @Test
  void signerFromAnotherCa_isBadIdentity() throws Exception {
    // Dogtag's own request, signed by UID=bob of Dogtag's Test CA, sent with that bob's certificate over TLS.
    Path fixtures = Path.of(System.getProperty("p11ca.fixtures"));
    Path dogtagBobPass = Files.writeString(file("dogtag-bob.pass"), "user-p12-pass\n");
    int from = auditSize();
    CmcResponse response = submit(fixtures.resolve("cmc/b_usersigned_bob_crmf.der"),
        Optional.of(fixtures.resolve("ca/user-bob.p12")), dogtagBobPass);
    assertFailure(response, FailInfo.BAD_IDENTITY, "not issued by this CA");
    assertAuditedFailure(from, "CMC_USER_SIGNED_REQUEST_SIG_VERIFY_FAILURE", "not issued by this CA");
    assertAuditedFailure(from, "AUTH_FAILURE", "not issued by this CA");
  }

  @Test
  void revokedSigner_isBadIdentity() throws Exception {
    BigInteger serial = RunningCa.certificate(ca.data.resolve("rita.pem")).getSerialNumber();
    // The running server's own database, from this second process: SQLite in WAL mode lets both in.
    try (CaDatabase db = CaDatabase.openSqlite(ca.data)) {
      assertInstanceOf(RevocationResult.Revoked.class, new JdbcCertificateStore(db, Clock.systemUTC())
          .revoke(serial, RevocationReason.KEY_COMPROMISE, Optional.empty(), Instant.now()));
    }
    Path request = request(crmf(RITA), rita);
    int from = auditSize();
    assertFailure(submit(request, Optional.of(rita)), FailInfo.BAD_IDENTITY, "is revoked");
    assertAuditedFailure(from, "AUTH_FAILURE", "is revoked");
  }

  @Test
  void expiredSigner_isBadIdentity() throws Exception {
    Instant notAfter = RunningCa.certificate(ca.data.resolve("eddie.pem")).getNotAfter().toInstant();
    assertFalse(notAfter.isAfter(Instant.now().plusSeconds(3)), "eddie's certificate comes from the 3-second"
        + " profile " + SHORT_LIVED_PROFILE + ", so it ends within 3 s from now at the latest, not at " + notAfter);
    // The signer is refused once the clock is past its notAfter; wait for that, but never for long.
    Instant deadline = Instant.now().plusSeconds(10);
    while (!Instant.now().isAfter(notAfter)) {
      assertTrue(Instant.now().isBefore(deadline), "eddie's certificate (notAfter " + notAfter
          + ") has not expired within 10 s");
      Thread.sleep(100);
    }
    Path request = request(crmf(EDDIE), eddie);
    int from = auditSize();
    // No TLS client certificate: the point is the CMC signer, not the handshake.
    assertFailure(submit(request, Optional.empty()), FailInfo.BAD_IDENTITY, "not valid now");
    assertAuditedFailure(from, "CMC_USER_SIGNED_REQUEST_SIG_VERIFY_FAILURE", "not valid now");
    assertAuditedFailure(from, "AUTH_FAILURE", "not valid now");
  }

  @Test
  void subjectOtherThanTheSigners_isBadIdentity() throws Exception {
    Path request = request(crmf("UID=mallory,O=Example"), bob);
    int from = auditSize();
    assertFailure(submit(request, Optional.of(bob)), FailInfo.BAD_IDENTITY, "only issues to the signer's subject");
    assertAuditedFailure(from, "PROFILE_CERT_REQUEST", "only issues to the signer's subject");
  }

  @Test
  void tlsClientCertificateOtherThanTheSigners_isBadIdentity() throws Exception {
    Path request = request(bobCrmf, bob);
    int from = auditSize();
    assertFailure(submit(request, Optional.of(carol)), FailInfo.BAD_IDENTITY, "is not the CMC signer's certificate");
    assertAuditedFailure(from, "AUTH_FAILURE", "is not the CMC signer's certificate");
  }

  @Test
  void popSignedWithAnotherKey_isPopFailed() throws Exception {
    KeyPair requested = rsa(2048);
    KeyPair other = rsa(2048);
    Path request = request(crmfBuiltHere(BOB, requested.getPublic(), other.getPrivate()), bob);
    int from = auditSize();
    assertFailure(submit(request, Optional.of(bob)), FailInfo.POP_FAILED, "POP signature does not verify");
    assertAuditedFailure(from, "PROFILE_CERT_REQUEST", "POP signature does not verify");
  }

  @Test
  void rsa1024Key_isBadRequest() throws Exception {
    KeyPair small = rsa(1024);
    Path request = request(crmfBuiltHere(BOB, small.getPublic(), small.getPrivate()), bob);
    int from = auditSize();
    assertFailure(submit(request, Optional.of(bob)), FailInfo.BAD_REQUEST, "below the profile's minimum 2048");
    assertAuditedFailure(from, "PROFILE_CERT_REQUEST", "minimum 2048");
  }

  @Test
  void unknownProfile_isBadRequest() throws Exception {
    Path request = request(bobCrmf, bob);
    int from = auditSize();
    assertFailure(submit(request, Optional.of(bob), "--profile-id", "noSuchProfile"), FailInfo.BAD_REQUEST,
        "no certificate profile 'noSuchProfile'");
    assertAuditedFailure(from, "PROFILE_CERT_REQUEST", "noSuchProfile");
  }

  // ---- requests refused before the CA reads them: HTTP 4xx with a one-line text/plain reason ----

  @Test
  void malformedDer_is400WithAOneLineReason() throws Exception {
    // A SEQUENCE whose length runs past the end, and bytes that are neither DER nor text.
    for (byte[] body : List.of(new byte[] {0x30, 0x10, 0x02, 0x01, 0x05}, new byte[] {(byte) 0xde, (byte) 0xad,
        (byte) 0xbe, (byte) 0xef, 0x00, 0x01})) {
      assertReason(post(body, Optional.of("application/pkcs7-mime; smime-type=CMC-request")), 400);
    }
  }

  @Test
  void truncatedBody_is400WithAOneLineReason() throws Exception {
    byte[] good = Files.readAllBytes(request(bobCrmf, bob));
    assertReason(post(Arrays.copyOf(good, good.length / 2), Optional.empty()), 400);
  }

  @Test
  void contentTypeOtherThanCmc_is415() throws Exception {
    // A good request: only the media type is wrong.
    byte[] good = Files.readAllBytes(request(bobCrmf, bob));
    String reason = assertReason(post(good, Optional.of("text/plain")), 415);
    assertTrue(reason.contains("text/plain"), reason);
  }

  /**
   * Over a raw TLS socket: the server answers 413 as soon as it knows the body is too big and closes the connection
   * while the client is still sending, so the client's write may fail with a broken pipe although the answer is
   * already there to read. java.net.http gives up on such an exchange ("header parser received no bytes"), and its
   * Expect: 100-continue path waits forever on a final status (JDK 17), so neither can show the 413 reliably.
   */
  @Test
  void bodyOverMaxBodyBytes_is413() throws Exception {
    byte[] body = new byte[100 * 1024];
    body[0] = 0x30;
    // Declared up front: refused on the Content-Length alone.
    RawAnswer declared = rawPost(body, false);
    assertEquals(413, declared.status(), declared::toString);
    assertOneLineOfText(declared.contentType(), declared.body());
    // Chunked: no length to judge by, so refused once the bytes read pass the limit.
    RawAnswer chunked = rawPost(body, true);
    assertEquals(413, chunked.status(), chunked::toString);
    assertOneLineOfText(chunked.contentType(), chunked.body());
    assertTrue(chunked.body().contains(Integer.toString(MAX_BODY_BYTES)), chunked::toString);
  }

  /** Last: after every refusal above the same server still issues, and none of them was a 500. */
  @Test
  @Order(Integer.MAX_VALUE)
  void afterEveryRefusal_theServerStillIssues_andNeverAnswered500() throws Exception {
    CmcResponse viaClient = submit(request(bobCrmf, bob), Optional.of(bob));
    assertEquals(CmcStatus.SUCCESS, viaClient.statuses().get(0).status(), () -> viaClient.statuses().toString());
    assertEquals(1, viaClient.certificates().stream().filter(c -> c.getSubject().equals(new X500Name(BOB))).count(),
        "the response carries bob's new certificate");

    // Over raw HTTPS too, with no Content-Type at all, as Dogtag's HttpClient sends it.
    HttpResponse<byte[]> raw = post(Files.readAllBytes(request(crmf(BOB), bob)), Optional.empty());
    assertEquals(200, raw.statusCode(), () -> new String(raw.body(), StandardCharsets.UTF_8));
    assertEquals(Optional.of("application/pkcs7-mime; smime-type=CMC-response"),
        raw.headers().firstValue("Content-Type"));
    CmcResponse parsed = signedResponse(raw.body());
    assertEquals(CmcStatus.SUCCESS, parsed.statuses().get(0).status(), () -> parsed.statuses().toString());

    // The server's own access log: a line for every POST this class made, none with a 5xx. Jetty writes the line
    // when the exchange completes, which may be just after the client has its answer: wait for it, briefly.
    Pattern access = Pattern.compile("\"POST \\S+ HTTP/1\\.[01]\" (\\d{3}) ");
    List<String> output = ca.serverOutput();
    List<Integer> statuses = accessStatuses(output, access);
    Instant deadline = Instant.now().plusSeconds(5);
    while (statuses.size() < posts.get() && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      output = ca.serverOutput();
      statuses = accessStatuses(output, access);
    }
    String log = String.join("\n", output);
    assertTrue(statuses.size() >= posts.get(), "the access log shows all " + posts.get() + " POSTs:\n" + log);
    assertTrue(statuses.stream().noneMatch(s -> s >= 500), "no 5xx in\n" + log);
    assertTrue(output.stream().noneMatch(l -> l.contains("unexpected failure")), log);
  }

  private static List<Integer> accessStatuses(List<String> output, Pattern access) {
    return output.stream().map(access::matcher).filter(Matcher::find).map(m -> Integer.parseInt(m.group(1)))
        .toList();
  }

  // ---- helpers ----

  private Path file(String name) {
    return work.resolve(files.incrementAndGet() + "-" + name);
  }

  /** {@code p11ca-cmc crmf}: a new RSA-2048 key and a CRMF with signature POP. */
  private Path crmf(String subject) {
    Path out = file("crmf.der");
    ca.cmc("crmf", "--new-key", "rsa:2048", "--key-p12", file("key.p12").toString(), "--password-file", pass,
        "--subject", subject, "--pop", "signature", "--out", out.toString()).requireSuccess();
    return out;
  }

  /** {@code p11ca-cmc request}: a Full PKI Request around {@code crmf}, signed with {@code signer}'s key and cert. */
  private Path request(Path crmf, Path signer, String... options) {
    Path out = file("cmc.der");
    List<String> args = new ArrayList<>(List.of("request", "--in", crmf.toString(), "--signer-p12",
        signer.toString(), "--password-file", pass, "--dogtag-nonce", "--out", out.toString()));
    args.addAll(List.of(options));
    ca.cmc(args.toArray(String[]::new)).requireSuccess();
    return out;
  }

  /**
   * A CRMF with signature POP (RFC 4211 section 4.1) for {@code publicKey}, the POP signed by {@code popKey}, written
   * as CertReqMessages DER like {@code p11ca-cmc crmf}.
   */
  private Path crmfBuiltHere(String subject, PublicKey publicKey, PrivateKey popKey) throws Exception {
    CertificateRequestMessageBuilder builder = new CertificateRequestMessageBuilder(BigInteger.ONE)
        .setSubject(new X500Name(subject))
        .setPublicKey(SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()))
        .setProofOfPossessionSigningKeySigner(new JcaContentSignerBuilder("SHA256withRSA").build(popKey));
    byte[] der = new CertReqMessages(builder.build().toASN1Structure()).getEncoded(ASN1Encoding.DER);
    return Files.write(file("crmf-built.der"), der);
  }

  /** {@code p11ca-cmc submit} as a user's script would; it exits 0 only on an HTTP 200 answer. */
  private CmcResponse submit(Path request, Optional<Path> tlsP12, String... options) throws Exception {
    return submit(request, tlsP12, Path.of(pass), options);
  }

  private CmcResponse submit(Path request, Optional<Path> tlsP12, Path tlsPassword, String... options)
      throws Exception {
    Path out = file("response.der");
    List<String> args = new ArrayList<>(List.of("submit", "--url", ca.url(USER_SIGNED), "--ca",
        ca.caPem.toString(), "--in", request.toString(), "--out", out.toString()));
    tlsP12.ifPresent(p -> args.addAll(List.of("--client-p12", p.toString(), "--password-file",
        tlsPassword.toString())));
    args.addAll(List.of(options));
    posts.incrementAndGet();
    ca.cmc(args.toArray(String[]::new)).requireSuccess();
    return signedResponse(Files.readAllBytes(out));
  }

  /** A Full PKI Response, its signature checked with the CA certificate's key. */
  private CmcResponse signedResponse(byte[] der) {
    CmcResponse response = CmcResponseParser.parse(der);
    assertTrue(response.signature().orElseThrow(() -> new AssertionError("the response is not signed"))
        .verify(caKey).isValid(), "the response is signed with the CA key");
    return response;
  }

  private static void assertFailure(CmcResponse response, FailInfo expected, String reasonPart) {
    assertEquals(1, response.statuses().size(), () -> response.statuses().toString());
    CmcStatusInfo status = response.statuses().get(0);
    assertEquals(CmcStatus.FAILED, status.status(), () -> status.toString());
    assertEquals(Optional.of(expected), status.failInfo(), () -> "statusString: " + status.statusString());
    String text = status.statusString().orElse("");
    assertTrue(text.contains(reasonPart), () -> "statusString '" + text + "' should mention '" + reasonPart + "'");
    assertTrue(response.certificates().stream().noneMatch(c -> !c.getSubject().equals(c.getIssuer())),
        "a failure issues no certificate: " + response.certificates());
  }

  private int auditSize() {
    return ca.auditEvents().size();
  }

  /** An event {@code name} with Outcome=Failure mentioning {@code part}, written since event number {@code from}. */
  private void assertAuditedFailure(int from, String name, String part) {
    List<String> events = ca.auditEvents();
    List<String> since = events.subList(Math.min(from, events.size()), events.size());
    assertTrue(since.stream().anyMatch(e -> e.startsWith("[AuditEvent=" + name + "]")
            && e.contains("[Outcome=Failure]") && e.contains(part)),
        () -> "a FAILURE " + name + " event mentioning '" + part + "' in\n" + String.join("\n", since));
  }

  /** A 4xx with one line of text/plain that says something; returns the line. */
  private static String assertReason(HttpResponse<byte[]> response, int status) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertEquals(status, response.statusCode(), body);
    assertOneLineOfText(response.headers().firstValue("Content-Type").orElse(""), body);
    return body.strip();
  }

  private static void assertOneLineOfText(String contentType, String body) {
    assertTrue(contentType.startsWith("text/plain"), "Content-Type: " + contentType);
    assertTrue(body.matches("[^\\r\\n]*\\S[^\\r\\n]*\\n"), "one line: '" + body + "'");
  }

  record RawAnswer(int status, String contentType, String body) {
  }

  /**
   * One HTTP/1.1 POST of {@code body} on a TLS socket that trusts only the CA certificate, with a Content-Length or
   * chunked; a failing write (the server closed early) is not an error, the answer is read regardless.
   */
  private RawAnswer rawPost(byte[] body, boolean chunked) throws Exception {
    posts.incrementAndGet();
    try (SSLSocket socket = (SSLSocket) ca.tls().getSocketFactory().createSocket("localhost", ca.port())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("POST " + USER_SIGNED + " HTTP/1.1\r\nHost: localhost:" + ca.port()
          + "\r\nContent-Type: application/pkcs7-mime\r\n"
          + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n")
          + "\r\n").getBytes(StandardCharsets.US_ASCII));
      if (chunked) {
        for (int at = 0; at < body.length; at += 8192) {
          int n = Math.min(8192, body.length - at);
          request.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          request.write(body, at, n);
          request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        request.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } else {
        request.writeBytes(body);
      }
      try {
        OutputStream out = socket.getOutputStream();
        out.write(request.toByteArray());
        out.flush();
      } catch (IOException closedEarly) {
        // Expected at times: see bodyOverMaxBodyBytes_is413.
      }
      InputStream in = socket.getInputStream();
      String statusLine = asciiLine(in);
      Matcher status = Pattern.compile("HTTP/1\\.[01] (\\d{3}) .*").matcher(statusLine);
      assertTrue(status.matches(), "status line: " + statusLine);
      String contentType = "";
      int length = -1;
      for (String header; !(header = asciiLine(in)).isEmpty(); ) {
        String[] nameValue = header.split(":", 2);
        if (nameValue[0].equalsIgnoreCase("Content-Type")) {
          contentType = nameValue[1].strip();
        } else if (nameValue[0].equalsIgnoreCase("Content-Length")) {
          length = Integer.parseInt(nameValue[1].strip());
        }
      }
      assertTrue(length >= 0, "every answer has a Content-Length");
      return new RawAnswer(Integer.parseInt(status.group(1)), contentType,
          new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }
  }

  private static String asciiLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new AssertionError("the connection ended inside the answer's head: '" + line + "'");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** A raw HTTPS POST to the user-signed endpoint that trusts only the CA certificate and sends no client cert. */
  private HttpResponse<byte[]> post(byte[] body, Optional<String> contentType) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ca.url(USER_SIGNED)))
        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    contentType.ifPresent(t -> request.header("Content-Type", t));
    posts.incrementAndGet();
    return https().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpClient https() throws Exception {
    return HttpClient.newBuilder().sslContext(ca.tls()).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).build();
  }

  private static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  private static int indexOf(byte[] haystack, byte[] needle, int start) {
    outer:
    for (int i = start; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
