package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.Token;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmitCommandTest {

  private static final byte[] ANSWER = {0x30, 0x03, 0x02, 0x01, 0x2d};

  @TempDir
  Path dir;
  TestPki pki;
  TestHttpsServer server;
  Path caPem;
  Path clientP12;
  Path password;
  X509Certificate clientCert;
  Path request;

  @BeforeAll
  void start(@TempDir Path shared) throws Exception {
    pki = new TestPki("CN=Submit Test CA,O=Example");
    server = new TestHttpsServer(pki, ANSWER);
    caPem = pki.caPem(shared.resolve("ca.pem"));
    KeyPair key = TestPki.rsa();
    clientCert = pki.issue("UID=bob,O=Example", key.getPublic(), null);
    password = Fixtures.secretFile(shared, "client.pass", "client-p12-pass");
    clientP12 = pki.p12(shared.resolve("bob.p12"), "Bob User", key, clientCert, "client-p12-pass");
    request = Files.write(shared.resolve("cmc.der"), Files.readAllBytes(Fixtures.file("cmc/b_usersigned_bob_crmf.der")));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void submit_postsTheBodyUnchangedWithTheClientCertificate_andWritesTheAnswer() throws Exception {
    Path out = dir.resolve("resp.der");
    Cli.Result r = Cli.run("submit", "--url", server.url("/ca/ee/ca/profileSubmitUserSignedCMCFull"), "--ca",
        caPem.toString(), "--client-p12", clientP12.toString(), "--password-file", password.toString(), "--in",
        request.toString(), "--out", out.toString()).requireSuccess();
    assertTrue(r.out().contains("as UID=bob,O=Example"), r.out());
    TestHttpsServer.Received got = server.last();
    assertArrayEquals(Files.readAllBytes(request), got.body());
    assertEquals(Optional.of(clientCert), got.clientCertificate());
    assertEquals(Optional.of("application/pkcs7-mime; smime-type=CMC-request"), got.contentType());
    assertArrayEquals(ANSWER, Files.readAllBytes(out));
  }

  @Test
  void submit_hostPortServletAndProfile_makeDogtagsUrl_andNoContentTypeSendsNone() throws Exception {
    Cli.run("submit", "--host", "127.0.0.1", "--port", String.valueOf(server.port()), "--servlet",
        "profileSubmitCMCFull", "--profile-id", "caFullCMCUserCert", "--no-content-type", "--ca", caPem.toString(),
        "--in", request.toString(), "--out", dir.resolve("resp2.der").toString()).requireSuccess();
    TestHttpsServer.Received got = server.last();
    assertEquals("/ca/ee/ca/profileSubmitCMCFull", got.path());
    assertEquals("profileId=caFullCMCUserCert", got.query());
    assertEquals(Optional.empty(), got.contentType());
    assertEquals(Optional.empty(), got.clientCertificate(), "no client certificate was given");
  }

  @Test
  void submit_readsDogtagsHttpClientCfg() throws Exception {
    Path cfg = dir.resolve("HttpClient.cfg");
    Files.writeString(cfg, String.join("\n",
        "# as Dogtag's HttpClient prints it",
        "host=127.0.0.1",
        "port=" + server.port(),
        "secure=true",
        "input=cmc.der",
        "output=resp-cfg.der",
        "dbdir=./nssdb",
        "password=NotReadByP11ca",
        "tokenname=internal",
        "clientmode=true",
        "nickname=Bob User",
        "servlet=/ca/ee/ca/profileSubmitUserSignedCMCFull?profileId=caFullCMCUserSignedCert", ""));
    Files.copy(request, dir.resolve("cmc.der"));
    Cli.runIn(dir, "submit", "--config", "HttpClient.cfg", "--ca", caPem.toString(), "--client-p12",
        clientP12.toString(), "--password-file", password.toString()).requireSuccess();
    TestHttpsServer.Received got = server.last();
    assertEquals("/ca/ee/ca/profileSubmitUserSignedCMCFull", got.path());
    assertEquals("profileId=caFullCMCUserSignedCert", got.query());
    assertEquals(Optional.of(clientCert), got.clientCertificate());
    assertArrayEquals(ANSWER, Files.readAllBytes(dir.resolve("resp-cfg.der")));
  }

  @Test
  void submit_http4xx_isOneLineWithTheServersReason_andWritesNothing() {
    Path out = dir.resolve("never.der");
    Cli.Result r = Cli.run("submit", "--url", server.url("/bad"), "--ca", caPem.toString(), "--in",
        request.toString(), "--out", out.toString());
    String line = Cli.assertOneLineFailure(r, 1, "HTTP 400", TestHttpsServer.BAD_REQUEST_REASON);
    assertEquals("p11ca-cmc: the server answered HTTP 400: " + TestHttpsServer.BAD_REQUEST_REASON, line);
    assertFalse(Files.exists(out));
  }

  @Test
  void submit_serverNotFromTheTrustedCa_failsTheHandshake() throws Exception {
    Path otherCa = new TestPki("CN=Some Other CA").caPem(dir.resolve("other.pem"));
    Cli.assertOneLineFailure(Cli.run("submit", "--url", server.url("/ca/ee/ca/x"), "--ca", otherCa.toString(),
        "--in", request.toString(), "--out", dir.resolve("never2.der").toString()), 1, "TLS handshake");
  }

  @Test
  void submit_hostNameMismatch_failsTheHandshake() {
    // The server certificate names 127.0.0.1 only; "localhost" reaches it but must not be accepted.
    Cli.assertOneLineFailure(Cli.run("submit", "--url", "https://localhost:" + server.port() + "/ca/ee/ca/x",
        "--ca", caPem.toString(), "--in", request.toString(), "--out", dir.resolve("never3.der").toString()), 1);
  }

  @Test
  void submit_clientKeyOnToken_throughTheSunBackend(@TempDir Path tokenDir) throws Exception {
    TestTokens tokens = TestTokens.create(tokenDir, "submit-tls");
    X509Certificate cert;
    try (Token t = tokens.open(Backend.SUN)) {
      KeyHandle key = t.generateKeyPair(new KeyPairSpec.Ec(org.p11ca.hsm.EcCurve.P256),
          KeyAttributes.persistent("tls-client", ObjectId.parseHex("c1"), KeyUsage.SIGN));
      cert = pki.issue("UID=tokenuser,O=Example", t.publicKey(key), null);
      t.importCertificate("tls-client", ObjectId.parseHex("c1"), cert);
    }
    Cli.run(tokens.command("submit", "--backend", "sun", "--client-label", "tls-client", "--url",
        server.url("/ca/ee/ca/profileSubmitUserSignedCMCFull"), "--ca", caPem.toString(), "--in",
        request.toString(), "--out", dir.resolve("resp-token.der").toString())).requireSuccess();
    assertEquals(Optional.of(cert), server.last().clientCertificate());
  }
}
