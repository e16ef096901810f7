package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed page 1 over HTTPS, up to key archival (issue [3], not yet built): a CRMF request for an encryption-only key
 * with no POP, user-signed; round 1 answers FAIL popRequired with an encryptedPOP challenge and the request id in
 * responseInfo; the CA restarts; round 2 answers the challenge with a decryptedPOP (p11ca-cmc request
 * --decrypted-pop) and the certificate is issued; openssl checks it; a replay is refused.
 */
class EncryptedPopEnrollmentTest {

  static final String BOB = "UID=bob,O=Example";

  /** An encryption-only user profile without archival: Dogtag's format for the challenge, as CMCRequest needs. */
  static final String PROFILE = """
      id: caFullCMCEncryptionNoArchivalCert
      description: encryption-only user certificate, challenged with EncryptedPOP
      validity: P90D
      subject:
        from: signer
      keys:
        rsaMinBits: 2048
      keyUsage:
        critical: true
        usages: [keyEncipherment, dataEncipherment]
      extendedKeyUsage: [emailProtection]
      basicConstraints:
        ca: false
      allowEncryptionOnlyKeys: true
      encryptedPop:
        format: dogtag
        challengeLifetime: PT30M
      """;

  @TempDir
  Path dir;

  @Test
  void roundOneChallenges_survivesARestart_roundTwoIssues_andAReplayIsRefused() throws Exception {
    Path profiles = Files.createDirectories(dir.resolve("profiles"));
    try (var defaults = Files.list(Processes.repo().resolve("ca-core/src/main/resources/org/p11ca/ca/profile"))) {
      for (Path p : defaults.toList()) {
        Files.copy(p, profiles.resolve(p.getFileName()));
      }
    }
    Files.writeString(profiles.resolve("caFullCMCEncryptionNoArchivalCert.yaml"), PROFILE);
    try (RunningCa ca = RunningCa.prepare(dir, "profilesDir: " + profiles + "\n")) {
      Path bob = ca.bootstrapUser("bob", BOB, false);
      ca.start();
      Path work = Files.createDirectories(dir.resolve("work"));
      String pass = ca.passwordFile.toString();
      String path = "/ca/ee/ca/profileSubmitUserSignedCMCFull?profileId=caFullCMCEncryptionNoArchivalCert";
      String url = ca.url(path);

      ca.cmc("crmf", "--new-key", "rsa:2048", "--key-p12", work.resolve("enc.p12").toString(), "--password-file",
          pass, "--subject", BOB, "--pop", "none", "--out", work.resolve("crmf.der").toString()).requireSuccess();
      ca.cmc("request", "--in", work.resolve("crmf.der").toString(), "--signer-p12", bob.toString(),
          "--password-file", pass, "--dogtag-nonce", "--out", work.resolve("round1.der").toString()).requireSuccess();
      ca.cmc("submit", "--url", url, "--ca", ca.caPem.toString(), "--client-p12", bob.toString(), "--password-file",
          pass, "--in", work.resolve("round1.der").toString(), "--out", work.resolve("response1.der").toString())
          .requireSuccess();
      Processes.Result r1 = ca.cmc("response", "--in", work.resolve("response1.der").toString(), "--ca",
          ca.caPem.toString());
      assertEquals(1, r1.exitCode(), "round 1 issues nothing: " + r1.stdout());
      assertTrue(r1.stdout().contains("CMC encrypted POP"), r1.stdout());
      assertTrue(r1.stdout().contains("failInfo=POP required"), r1.stdout());
      assertTrue(r1.stdout().contains("requestID: "), r1.stdout());
      assertTrue(r1.stderr().contains("--decrypted-pop"), r1.stderr());

      // The challenge is in the database, not in the server's memory.
      ca.stop();
      ca.start();
      url = ca.url(path);

      ca.cmc("request", "--decrypted-pop", "--response", work.resolve("response1.der").toString(), "--key-p12",
          work.resolve("enc.p12").toString(), "--signer-p12", bob.toString(), "--password-file", pass, "--out",
          work.resolve("round2.der").toString()).requireSuccess();
      ca.cmc("submit", "--url", url, "--ca", ca.caPem.toString(), "--client-p12", bob.toString(), "--password-file",
          pass, "--in", work.resolve("round2.der").toString(), "--out", work.resolve("response2.der").toString())
          .requireSuccess();
      Processes.Result r2 = ca.cmc("response", "--in", work.resolve("response2.der").toString(), "--ca",
          ca.caPem.toString(), "--write-cert", work.resolve("enc.pem").toString()).requireSuccess();
      assertTrue(r2.stdout().contains("Status: SUCCESS"), r2.stdout());
      assertEquals(work.resolve("enc.pem") + ": OK", ca.openssl("verify", "-CAfile", ca.caPem.toString(),
          work.resolve("enc.pem").toString()).requireSuccess().stdout().strip());
      String text = ca.openssl("x509", "-in", work.resolve("enc.pem").toString(), "-noout", "-subject", "-ext",
          "keyUsage", "-nameopt", "RFC2253").requireSuccess().stdout();
      assertTrue(text.contains("subject=" + BOB), text);
      assertTrue(text.contains("Key Encipherment, Data Encipherment"), text);

      ca.cmc("submit", "--url", url, "--ca", ca.caPem.toString(), "--client-p12", bob.toString(), "--password-file",
          pass, "--in", work.resolve("round2.der").toString(), "--out", work.resolve("replay.der").toString())
          .requireSuccess();
      Processes.Result replay = ca.cmc("response", "--in", work.resolve("replay.der").toString());
      assertEquals(1, replay.exitCode());
      assertTrue(replay.stderr().contains("no open EncryptedPOP challenge"), replay.stderr());

      ca.stop();
      List<String> names = ca.auditEvents().stream().map(e -> e.substring(0, e.indexOf(']') + 1))
          .filter(e -> !e.contains("CHECKPOINT") && !e.contains("ACCESS_SESSION")).toList();
      // Seed page 1, round 1 then round 2 (this CA also records the proof check), then the refused replay.
      List<String> expected = List.of("[AuditEvent=CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS]",
          "[AuditEvent=AUTH_SUCCESS]", "[AuditEvent=AUTHZ_SUCCESS]", "[AuditEvent=PROFILE_CERT_REQUEST]",
          "[AuditEvent=CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS]", "[AuditEvent=AUTH_SUCCESS]",
          "[AuditEvent=AUTHZ_SUCCESS]", "[AuditEvent=PROOF_OF_POSSESSION]", "[AuditEvent=CERT_REQUEST_PROCESSED]",
          "[AuditEvent=CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS]", "[AuditEvent=AUTH_SUCCESS]",
          "[AuditEvent=AUTHZ_SUCCESS]", "[AuditEvent=PROOF_OF_POSSESSION]");
      assertEquals(expected, names.subList(names.size() - expected.size(), names.size()), String.join("\n", names));
      assertTrue(ca.p11ca("audit-verify", "--config", ca.config.toString()).requireSuccess().stdout()
          .contains("is intact"));
    }
  }
}
