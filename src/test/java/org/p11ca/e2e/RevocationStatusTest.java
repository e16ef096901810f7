package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue [5], acceptance 2 and 3, with real processes: a user revokes its own certificate through CMC
 * ({@code p11ca-cmc revoke}, user-signed); then {@code openssl crl -verify} accepts the CRL the CA serves,
 * {@code openssl verify -crl_check} rejects the revoked certificate and accepts a good one, and {@code openssl ocsp}
 * reads revoked (keyCompromise) and good answers whose signature it verifies. Failures (already revoked, unknown
 * serial, another subject's certificate, a wrong shared secret) get CMC failures and audit events.
 */
class RevocationStatusTest {

  static final String BOB = "UID=bob,O=Example";
  static final String CAROL = "UID=carol,O=Example";

  @TempDir
  Path dir;

  @Test
  void cmcRevocation_isSeenByCrlAndOcsp_andTheFailuresAreClear() throws Exception {
    try (RunningCa ca = RunningCa.prepare(dir, "  statusPort: 0\n", "crl: {regenerateDelay: 1s}\n")) {
      Path bob = ca.bootstrapUser("bob", BOB, false);
      ca.bootstrapUser("carol", CAROL, false);
      ca.start();
      Path work = Files.createDirectories(dir.resolve("work"));
      String pass = ca.passwordFile.toString();
      Path bobPem = ca.data.resolve("bob.pem");
      Path carolPem = ca.data.resolve("carol.pem");
      String bobSerial = serial(ca, bobPem);
      String userSigned = ca.url("/ca/ee/ca/profileSubmitUserSignedCMCFull");

      // Bob may not revoke Carol's certificate.
      Processes.Result refused = revoke(ca, work, "carol-by-bob", serial(ca, carolPem), bob, userSigned);
      assertEquals(1, refused.exitCode(), refused.stdout());
      assertTrue(refused.stdout().contains("failInfo=bad request") || refused.stdout().contains("badRequest"),
          refused.stdout());

      // Bob revokes his own certificate, keyCompromise.
      Processes.Result done = revoke(ca, work, "bob", bobSerial, bob, userSigned);
      assertEquals(0, done.exitCode(), done.stdout() + done.stderr());
      assertTrue(done.stdout().contains("Status: SUCCESS"), done.stdout());

      // Revoked, he can sign nothing more: the same request again is refused at his signature.
      Processes.Result again = revoke(ca, work, "bob-again", bobSerial, bob, userSigned);
      assertEquals(1, again.exitCode(), again.stdout());

      // The CRL, regenerated after the batching delay.
      Path crl = work.resolve("crl.der");
      String text = "";
      for (int i = 0; i < 60 && !text.contains("Serial Number: " + bobSerial.toUpperCase()); i++) {
        Files.write(crl, get(ca, "/ca/ee/ca/getCRL"));
        text = ca.openssl("crl", "-inform", "DER", "-in", crl.toString(), "-noout", "-text").requireSuccess()
            .stdout();
        if (!text.contains("Serial Number: " + bobSerial.toUpperCase())) {
          Thread.sleep(500);
        }
      }
      assertTrue(text.contains("Serial Number: " + bobSerial.toUpperCase()), text);
      assertTrue(text.contains("Key Compromise"), text);
      Processes.Result crlVerify = ca.openssl("crl", "-inform", "DER", "-in", crl.toString(), "-CAfile",
          ca.caPem.toString(), "-noout", "-verify");
      assertTrue((crlVerify.stdout() + crlVerify.stderr()).contains("verify OK"), crlVerify.stderr());
      Path crlPem = work.resolve("crl.pem");
      ca.openssl("crl", "-inform", "DER", "-in", crl.toString(), "-out", crlPem.toString()).requireSuccess();
      Processes.Result bobCheck = ca.openssl("verify", "-crl_check", "-CAfile", ca.caPem.toString(), "-CRLfile",
          crlPem.toString(), bobPem.toString());
      assertNotEquals(0, bobCheck.exitCode());
      assertTrue((bobCheck.stdout() + bobCheck.stderr()).contains("certificate revoked"), bobCheck.stdout());
      assertEquals(carolPem + ": OK", ca.openssl("verify", "-crl_check", "-CAfile", ca.caPem.toString(),
          "-CRLfile", crlPem.toString(), carolPem.toString()).requireSuccess().stdout().strip());

      // OCSP, the responder's signature verified by openssl against the CA.
      String bobOcsp = ocsp(ca, work, "bob", bobPem);
      assertTrue(bobOcsp.contains("Response verify OK"), bobOcsp);
      assertTrue(bobOcsp.contains(bobPem + ": revoked"), bobOcsp);
      assertTrue(bobOcsp.contains("Reason: keyCompromise"), bobOcsp);
      String carolOcsp = ocsp(ca, work, "carol", carolPem);
      assertTrue(carolOcsp.contains("Response verify OK") && carolOcsp.contains(carolPem + ": good"), carolOcsp);

      // Relying parties use plain HTTP (http.statusPort): openssl's own OCSP client, with a nonce, and the CRL;
      // nothing else is served there.
      String plain = ca.statusUrl();
      Processes.Result viaHttp = ca.openssl("ocsp", "-url", plain + "/ocsp", "-issuer", ca.caPem.toString(), "-cert",
          bobPem.toString(), "-CAfile", ca.caPem.toString(), "-verify_other", ca.caPem.toString());
      String out = viaHttp.stdout() + viaHttp.stderr();
      assertTrue(out.contains("Response verify OK") && out.contains(bobPem + ": revoked")
          && out.contains("Reason: keyCompromise") && !out.contains("WARNING"), out);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<byte[]> plainCrl = http.send(HttpRequest.newBuilder(URI.create(plain + "/ca/crl")).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, plainCrl.statusCode());
      assertTrue(java.util.Arrays.equals(Files.readAllBytes(crl), plainCrl.body()), "the same CRL over HTTP");
      HttpResponse<String> notThere = http.send(HttpRequest.newBuilder(URI.create(plain
          + "/ca/ee/ca/profileSubmitUserSignedCMCFull")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, notThere.statusCode(), "CMC is served over HTTPS only");
      ca.stop();

      String audit = Files.readString(ca.auditLog());
      assertTrue(audit.contains("[AuditEvent=CERT_STATUS_CHANGE_REQUEST_PROCESSED]"), audit);
      assertTrue(audit.lines().anyMatch(l -> l.contains("[AuditEvent=CERT_STATUS_CHANGE_REQUEST_PROCESSED]")
          && l.contains("[Outcome=Failure]") && l.contains("may revoke only certificates with its own subject")));
      assertTrue(audit.contains("[AuditEvent=FULL_CRL_GENERATION]"), "CRLs are audited");
    }
  }

  private static Processes.Result revoke(RunningCa ca, Path work, String name, String serialHex, Path signer,
      String url) {
    Path request = work.resolve(name + ".rev.der");
    Path response = work.resolve(name + ".rev-response.der");
    String pass = ca.passwordFile.toString();
    ca.cmc("revoke", "--serial", "0x" + serialHex, "--reason", "keyCompromise", "--comment", "laptop stolen",
        "--signer-p12", signer.toString(), "--password-file", pass, "--out", request.toString()).requireSuccess();
    ca.cmc("submit", "--url", url, "--ca", ca.caPem.toString(), "--client-p12", signer.toString(), "--password-file",
        pass, "--in", request.toString(), "--out", response.toString()).requireSuccess();
    return ca.cmc("response", "--in", response.toString(), "--ca", ca.caPem.toString());
  }

  private static String serial(RunningCa ca, Path pem) {
    return ca.openssl("x509", "-in", pem.toString(), "-noout", "-serial").requireSuccess().stdout().strip()
        .replace("serial=", "");
  }

  /** An OCSP request made by openssl, POSTed over HTTPS, the answer read and verified by openssl. */
  private static String ocsp(RunningCa ca, Path work, String name, Path cert) throws Exception {
    Path request = work.resolve(name + ".ocsp-req.der");
    Path response = work.resolve(name + ".ocsp-resp.der");
    ca.openssl("ocsp", "-issuer", ca.caPem.toString(), "-cert", cert.toString(), "-reqout", request.toString())
        .requireSuccess();
    HttpResponse<byte[]> answer = https(ca).send(HttpRequest.newBuilder(URI.create(ca.url("/ocsp")))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/ocsp-request")
        .POST(HttpRequest.BodyPublishers.ofFile(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode());
    assertEquals("application/ocsp-response", answer.headers().firstValue("Content-Type").orElse(""));
    Files.write(response, answer.body());
    // openssl ocsp with -reqin and -cert would build a new request (and nonce), so the statuses are read with
    // -no_nonce; the CA signs its own responses, so it is both the trust anchor and the responder (-verify_other).
    Processes.Result r = ca.openssl("ocsp", "-respin", response.toString(), "-issuer", ca.caPem.toString(), "-cert",
        cert.toString(), "-CAfile", ca.caPem.toString(), "-verify_other", ca.caPem.toString(), "-no_nonce");
    return r.stdout() + r.stderr();
  }

  private static byte[] get(RunningCa ca, String path) throws Exception {
    HttpResponse<byte[]> answer = https(ca).send(HttpRequest.newBuilder(URI.create(ca.url(path)))
        .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode());
    assertEquals("application/pkix-crl", answer.headers().firstValue("Content-Type").orElse(""));
    return answer.body();
  }

  private static HttpClient https(RunningCa ca) throws Exception {
    return HttpClient.newBuilder().sslContext(ca.tls()).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).build();
  }
}
