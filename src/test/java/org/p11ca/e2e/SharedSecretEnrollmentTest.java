package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.error.FailInfo;

/**
 * Enrolment without a signing certificate (issue [4]) with real processes: the operator makes shared secrets with
 * {@code p11ca shared-secret}, Dogtag's own self-signed requests (identityProofV2, then POP Link Witness V2 in a CRMF
 * and in a PKCS#10) are issued over HTTPS on both endpoints and checked with openssl, a spent secret is refused, a
 * secret survives restarts, concurrent submissions of one single-use secret issue exactly once, and no secret
 * reaches the audit log or the server's output.
 */
class SharedSecretEnrollmentTest {

  static final String DOGTAG_SECRET = "MySharedSecret.42";
  static final String SELF_SIGNED = "/ca/ee/ca/profileSubmitSelfSignedCMCFull";
  static final String SHARED_TOKEN = "/ca/ee/ca/profileSubmitCMCFull?profileId=caFullCMCSharedTokenCert";

  @TempDir
  Path dir;

  static Path fixture(String name) {
    return Path.of(System.getProperty("p11ca.fixtures"), "cmc", name + ".der");
  }

  @Test
  void dogtagSelfSignedRequests_issueOnBothEndpoints_singleUseHoldsAcrossRestartsAndThreads() throws Exception {
    try (RunningCa ca = RunningCa.prepare(dir, "")) {
      Path work = Files.createDirectories(dir.resolve("work"));
      Path secretFile = work.resolve("dave.secret");
      Files.writeString(secretFile, DOGTAG_SECRET + "\n");
      Processes.Result created = ca.p11ca("shared-secret", "create", "--config", ca.config.toString(),
          "--identification", "dave", "--secret-file", secretFile.toString(), "--max-uses", "3", "--lifetime", "2d")
          .requireSuccess();
      assertTrue(created.stdout().contains("identification 'dave'") && created.stdout().contains("3 use(s)"),
          created.stdout());
      // A generated secret is shown once, for delivery; it is the operator's copy, not the log's.
      Processes.Result generated = ca.p11ca("shared-secret", "create", "--config", ca.config.toString(),
          "--identification", "erin", "--out", work.resolve("erin.secret").toString()).requireSuccess();
      String erinSecret = Files.readString(work.resolve("erin.secret")).strip();
      assertTrue(erinSecret.matches("[0-9A-Z]{24}"), "24 base32 characters");
      assertFalse(generated.stdout().contains(erinSecret));

      ca.start();
      // identityProofV2 with identification, on the self-signed endpoint (caFullCMCSelfSignedCert).
      issueAndVerify(ca, work, SELF_SIGNED, "d_selfsigned_dave_idpv2_sha256");
      // The same with POP Link Witness V2, CRMF then PKCS#10, on the agent endpoint's shared-token profile.
      issueAndVerify(ca, work, SHARED_TOKEN, "e_selfsigned_dave_idpv2_plwv2_crmf");
      issueAndVerify(ca, work, SHARED_TOKEN, "e_selfsigned_dave_idpv2_plwv2_p10");
      // Three uses were given: a fourth proof is refused.
      CmcResponse spent = post(ca, SELF_SIGNED, Files.readAllBytes(fixture("d_selfsigned_dave_idpv2_sha512")));
      assertEquals(CmcStatus.FAILED, spent.statuses().get(0).status());
      assertEquals(Optional.of(FailInfo.BAD_IDENTITY), spent.statuses().get(0).failInfo());

      ca.stop();
      ca.p11ca("shared-secret", "create", "--config", ca.config.toString(), "--identification", "dave",
          "--secret-file", secretFile.toString()).requireSuccess();
      // The secret is in the database, sealed under the token key, not in the server's memory.
      ca.start();
      ca.stop();
      ca.start();
      byte[] body = Files.readAllBytes(fixture("d_selfsigned_dave_idpv2_sha512"));
      List<CompletableFuture<CmcResponse>> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            return post(ca, SELF_SIGNED, body);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      int issued = 0;
      for (CompletableFuture<CmcResponse> a : answers) {
        CmcResponse r = a.get();
        if (r.statuses().get(0).status() == CmcStatus.SUCCESS) {
          issued++;
        } else {
          assertEquals(Optional.of(FailInfo.BAD_IDENTITY), r.statuses().get(0).failInfo());
        }
      }
      assertEquals(1, issued, "a single-use secret issues exactly once");
      List<String> serverOutput = ca.serverOutput();
      ca.stop();

      String list = ca.p11ca("shared-secret", "list", "--config", ca.config.toString()).requireSuccess().stdout();
      assertTrue(list.contains("\tdave\tUSED\t3\t3\t") && list.contains("\tdave\tUSED\t1\t1\t")
          && list.contains("\terin\tACTIVE\t0\t1\t"), list);
      ca.p11ca("shared-secret", "revoke", "--config", ca.config.toString(), "--identification", "erin")
          .requireSuccess();
      Processes.Result again = ca.p11ca("shared-secret", "revoke", "--config", ca.config.toString(),
          "--identification", "erin");
      assertEquals(2, again.exitCode());
      assertTrue(again.stderr().strip().endsWith("has no active shared secret"), again.stderr());

      String audit = Files.readString(ca.auditLog());
      for (String secret : List.of(DOGTAG_SECRET, erinSecret)) {
        assertFalse(audit.contains(secret), "no secret in the audit log");
        assertFalse(String.join("\n", serverOutput).contains(secret), "no secret in the server's output");
      }
      assertTrue(audit.contains("[AuditEvent=CONFIG_SHARED_SECRET]"), "creations are audited");
      assertTrue(audit.contains("[AuditEvent=CMC_PROOF_OF_IDENTIFICATION][SubjectID=dave][Outcome=Failure]"));
      assertTrue(audit.contains("[AuditEvent=CMC_ID_POP_LINK_WITNESS][SubjectID=dave][Outcome=Success]"));
      assertTrue(ca.p11ca("audit-verify", "--config", ca.config.toString()).requireSuccess().stdout()
          .contains("is intact"));
    }
  }

  @Test
  void p11caClient_selfSignedWithRfcPbkdf2PopLink_crmfAndPkcs10_issue() throws Exception {
    try (RunningCa ca = RunningCa.prepare(dir, "")) {
      Path work = Files.createDirectories(dir.resolve("work"));
      Path secretFile = work.resolve("frank.secret");
      // The operator generates the secret; the subscriber gets the file.
      ca.p11ca("shared-secret", "create", "--config", ca.config.toString(), "--identification", "frank",
          "--max-uses", "2", "--out", secretFile.toString()).requireSuccess();
      ca.start();
      String pass = ca.passwordFile.toString();
      for (String format : List.of("crmf", "pkcs10")) {
        Path key = work.resolve(format + ".p12");
        Path request = work.resolve(format + ".der");
        Path cmc = work.resolve(format + ".cmc.der");
        ca.cmc(format, "--new-key", "rsa:2048", "--key-p12", key.toString(), "--password-file", pass, "--subject",
            "UID=frank,O=Example", "--out", request.toString()).requireSuccess();
        Processes.Result built = ca.cmc("request", "--in", request.toString(), "--self-signed", "--key-p12",
            key.toString(), "--password-file", pass, "--identification", "frank", "--identity-proof-v2",
            "--id-proof-hash", "SHA-384", "--id-proof-mac", "SHA-384-HMAC", "--shared-secret-file",
            secretFile.toString(), "--pop-link-witness-v2", "--pop-link-keygen", "PBKDF2", "--out", cmc.toString())
            .requireSuccess();
        assertFalse(built.stdout().contains(Files.readString(secretFile).strip()), "the client never prints it");
        Path response = work.resolve(format + ".response.der");
        Path cert = work.resolve(format + ".pem");
        ca.cmc("submit", "--url", ca.url(SELF_SIGNED), "--ca", ca.caPem.toString(), "--in", cmc.toString(),
            "--out", response.toString()).requireSuccess();
        Processes.Result r = ca.cmc("response", "--in", response.toString(), "--ca", ca.caPem.toString(),
            "--write-cert", cert.toString());
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertEquals(cert + ": OK", ca.openssl("verify", "-CAfile", ca.caPem.toString(), cert.toString())
            .requireSuccess().stdout().strip());
      }
      ca.stop();
      String audit = Files.readString(ca.auditLog());
      assertTrue(audit.contains("[AuditEvent=CMC_ID_POP_LINK_WITNESS][SubjectID=frank][Outcome=Success]"), audit);
      assertFalse(audit.contains(Files.readString(secretFile).strip()));
    }
  }

  /** Submits a Dogtag fixture with the client, checks SUCCESS, the certificate with openssl, and the audit trail. */
  private static void issueAndVerify(RunningCa ca, Path work, String path, String fixture) throws Exception {
    int before = ca.auditEvents().size();
    Path response = work.resolve(fixture + ".response.der");
    Path cert = work.resolve(fixture + ".pem");
    ca.cmc("submit", "--url", ca.url(path), "--ca", ca.caPem.toString(), "--in", fixture(fixture).toString(),
        "--out", response.toString()).requireSuccess();
    Processes.Result r = ca.cmc("response", "--in", response.toString(), "--ca", ca.caPem.toString(),
        "--write-cert", cert.toString()).requireSuccess();
    assertTrue(r.stdout().contains("Status: SUCCESS"), r.stdout());
    assertEquals(cert + ": OK", ca.openssl("verify", "-CAfile", ca.caPem.toString(), cert.toString())
        .requireSuccess().stdout().strip());
    String subject = ca.openssl("x509", "-in", cert.toString(), "-noout", "-subject", "-nameopt", "RFC2253")
        .requireSuccess().stdout();
    assertTrue(subject.contains("subject=UID=dave,O=Example"), subject);
    List<String> names = ca.auditEvents().subList(before, ca.auditEvents().size()).stream()
        .map(e -> e.substring(0, e.indexOf(']') + 1)).filter(e -> !e.contains("CHECKPOINT")
            && !e.contains("ACCESS_SESSION")).toList();
    // The identity proof is logged as a success once the secret is spent, after every other check passed.
    List<String> expected = new ArrayList<>(List.of("[AuditEvent=CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS]"));
    if (fixture.contains("plwv2")) {
      expected.add("[AuditEvent=CMC_ID_POP_LINK_WITNESS]");
    }
    expected.addAll(List.of("[AuditEvent=CMC_PROOF_OF_IDENTIFICATION]", "[AuditEvent=AUTH_SUCCESS]", "[AuditEvent=AUTHZ_SUCCESS]",
        "[AuditEvent=PROFILE_CERT_REQUEST]", "[AuditEvent=CERT_REQUEST_PROCESSED]"));
    assertEquals(expected, names, fixture);
  }

  private static CmcResponse post(RunningCa ca, String path, byte[] body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(ca.url(path))).timeout(Duration.ofSeconds(120))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<byte[]> answer = HttpClient.newBuilder().sslContext(ca.tls())
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(60)).build()
        .send(request, HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode());
    return CmcResponseParser.parse(answer.body());
  }
}
