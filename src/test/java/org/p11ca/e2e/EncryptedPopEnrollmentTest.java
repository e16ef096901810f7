package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed page 1 over HTTPS, without key archival (ArchivalEnrollmentTest has it): a CRMF request for an encryption-only key
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

  /** An EC key-agreement profile: the challenge is ECDH (RFC 5753), which Dogtag's clients cannot answer. */
  static final String EC_PROFILE = """
      id: caFullCMCEcdhCert
      description: EC key-agreement user certificate, challenged with EncryptedPOP by ECDH
      validity: P90D
      subject:
        from: signer
      keys:
        ecCurves: [P-256, P-384]
      keyUsage:
        critical: true
        usages: [keyAgreement]
      extendedKeyUsage: [emailProtection]
      basicConstraints:
        ca: false
      allowEncryptionOnlyKeys: true
      encryptedPop:
        challengeLifetime: PT30M
      """;

  @TempDir
  Path dir;

  /** The shipped profiles plus the two above. */
  private Path profiles() throws java.io.IOException {
    return RunningCa.shippedProfilesAnd(dir, PROFILE, EC_PROFILE);
  }

  /**
   * A new key in {@code keyFile} (work dir), a CRMF request for it with no POP, user-signed by Bob, submitted:
   * response1.der, printed by p11ca-cmc response, which must say nothing was issued.
   */
  private static Processes.Result roundOne(RunningCa ca, Path bob, Path work, String keyType, String keyFile,
      String url, String... requestOptions) throws Exception {
    String pass = ca.passwordFile.toString();
    ca.cmc("crmf", "--new-key", keyType, "--key-p12", work.resolve(keyFile).toString(), "--password-file", pass,
        "--subject", BOB, "--pop", "none", "--out", work.resolve("crmf.der").toString()).requireSuccess();
    List<String> request = new java.util.ArrayList<>(List.of("request", "--in", work.resolve("crmf.der").toString(),
        "--signer-p12", bob.toString(), "--password-file", pass, "--out", work.resolve("round1.der").toString()));
    request.addAll(List.of(requestOptions));
    ca.cmc(request.toArray(String[]::new)).requireSuccess();
    ca.cmc("submit", "--url", url, "--ca", ca.caPem.toString(), "--client-p12", bob.toString(), "--password-file",
        pass, "--in", work.resolve("round1.der").toString(), "--out", work.resolve("response1.der").toString())
        .requireSuccess();
    Processes.Result r1 = ca.cmc("response", "--in", work.resolve("response1.der").toString(), "--ca",
        ca.caPem.toString());
    assertEquals(1, r1.exitCode(), "round 1 issues nothing: " + r1.stdout());
    return r1;
  }

  @Test
  void ecKey_isChallengedByEcdh_andTheRoundTripIssuesAKeyAgreementCertificate() throws Exception {
    try (RunningCa ca = RunningCa.prepare(dir, "profilesDir: " + profiles() + "\n")) {
      Path bob = ca.bootstrapUser("bob", BOB, false);
      ca.start();
      Path work = Files.createDirectories(dir.resolve("work-ec"));
      String pass = ca.passwordFile.toString();
      String url = ca.url("/ca/ee/ca/profileSubmitUserSignedCMCFull?profileId=caFullCMCEcdhCert");
      Processes.Result r1 = roundOne(ca, bob, work, "ec:P-256", "ec.p12", url);
      assertTrue(r1.stdout().contains("failInfo=POP required"), r1.stdout());

      Processes.Result answer = ca.cmc("request", "--decrypted-pop", "--response",
          work.resolve("response1.der").toString(), "--ca", ca.caPem.toString(), "--key-p12",
          work.resolve("ec.p12").toString(), "--signer-p12", bob.toString(), "--password-file", pass, "--out",
          work.resolve("round2.der").toString()).requireSuccess();
      assertTrue(answer.stdout().contains("Round-1 response signature: verified"), answer.stdout());
      assertTrue(answer.stdout().contains("RFC 5272 format"), answer.stdout());
      assertTrue(answer.stdout().contains("ECDH P256, SHA-256 KDF, AES-128 key wrap"), answer.stdout());
      ca.cmc("submit", "--url", url, "--ca", ca.caPem.toString(), "--client-p12", bob.toString(), "--password-file",
          pass, "--in", work.resolve("round2.der").toString(), "--out", work.resolve("response2.der").toString())
          .requireSuccess();
      ca.cmc("response", "--in", work.resolve("response2.der").toString(), "--ca", ca.caPem.toString(),
          "--write-cert", work.resolve("ec.pem").toString()).requireSuccess();
      assertEquals(work.resolve("ec.pem") + ": OK", ca.openssl("verify", "-CAfile", ca.caPem.toString(),
          work.resolve("ec.pem").toString()).requireSuccess().stdout().strip());
      String text = ca.openssl("x509", "-in", work.resolve("ec.pem").toString(), "-noout", "-text")
          .requireSuccess().stdout();
      assertTrue(text.contains("Key Agreement"), text);
      assertTrue(text.contains("ASN1 OID: prime256v1"), text);
    }
  }

  @Test
  void roundOneChallenges_survivesARestart_roundTwoIssues_andAReplayIsRefused() throws Exception {
    try (RunningCa ca = RunningCa.prepare(dir, "profilesDir: " + profiles() + "\n")) {
      Path bob = ca.bootstrapUser("bob", BOB, false);
      ca.start();
      Path work = Files.createDirectories(dir.resolve("work"));
      String pass = ca.passwordFile.toString();
      String path = "/ca/ee/ca/profileSubmitUserSignedCMCFull?profileId=caFullCMCEncryptionNoArchivalCert";
      String url = ca.url(path);

      Processes.Result r1 = roundOne(ca, bob, work, "rsa:2048", "enc.p12", url, "--dogtag-nonce");
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
