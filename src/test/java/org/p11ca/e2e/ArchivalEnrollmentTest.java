package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed page 1 end to end (issue [3] acceptance 1 and 3): a user-signed CRMF request for an encryption-only key with
 * no POP and the private key archived to the KRA transport certificate the CA published; round 1 challenges, round
 * 2 answers, the certificate is issued and openssl accepts it; then a KRA agent recovers the archived key as a
 * PKCS#12 with {@code p11ca recover-key}, and openssl shows it is the certificate's key and decrypts for it. Once
 * with an RSA key in Dogtag's encoding, once with an EC key (ECDH challenge, EC key archived and recovered).
 */
class ArchivalEnrollmentTest {

  static final String BOB = "UID=bob,O=Example";
  static final String PROFILE = "caFullCMCUserSignedEncryptionCert";

  @TempDir
  Path dir;

  /** EncryptedPopEnrollmentTest's EC key-agreement profile, with archival required. */
  static final String EC_PROFILE = EncryptedPopEnrollmentTest.EC_PROFILE
      .replace("id: caFullCMCEcdhCert", "id: caFullCMCEcdhArchivalCert") + "archivalRequired: true\n";

  @Test
  void seedPageOne_archivesIssuesAndRecovers() throws Exception {
    try (RunningCa ca = RunningCa.prepare(dir, "")) {
      Path bob = ca.bootstrapUser("bob", BOB, false);
      Path kraAgent = kraAgent(ca);
      ca.start();
      Path transport = ca.data.resolve("kra-transport.pem");
      assertTrue(Files.isRegularFile(transport), "the CA publishes its KRA transport certificate at start");
      assertEquals(transport + ": OK", ca.openssl("verify", "-CAfile", ca.caPem.toString(), transport.toString())
          .requireSuccess().stdout().strip());
      Path cert = enrolWithArchival(ca, bob, "rsa:2048", PROFILE, "--dogtag-nonce");
      ca.stop();

      List<String> events = ca.auditEvents().stream().map(e -> e.substring(0, e.indexOf(']') + 1))
          .filter(e -> !e.contains("CHECKPOINT") && !e.contains("ACCESS_SESSION")).toList();
      List<String> seed = List.of("[AuditEvent=CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS]",
          "[AuditEvent=AUTH_SUCCESS]", "[AuditEvent=AUTHZ_SUCCESS]", "[AuditEvent=SECURITY_DATA_ARCHIVAL_REQUEST]",
          "[AuditEvent=SECURITY_DATA_ARCHIVAL_REQUEST_PROCESSED]", "[AuditEvent=PROFILE_CERT_REQUEST]",
          "[AuditEvent=CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS]", "[AuditEvent=AUTH_SUCCESS]",
          "[AuditEvent=AUTHZ_SUCCESS]", "[AuditEvent=PROOF_OF_POSSESSION]", "[AuditEvent=CERT_REQUEST_PROCESSED]");
      assertEquals(seed, events.subList(events.size() - seed.size(), events.size()), String.join("\n", events));

      Path keyPem = recover(ca, kraAgent, cert);
      assertEquals(ca.openssl("x509", "-in", cert.toString(), "-noout", "-modulus").requireSuccess().stdout(),
          ca.openssl("rsa", "-in", keyPem.toString(), "-noout", "-modulus").requireSuccess().stdout(),
          "the recovered key is the certificate's key");
      Path secret = Files.writeString(dir.resolve("secret.txt"), "mail encrypted to bob's certificate\n");
      Path encrypted = dir.resolve("secret.enc");
      ca.openssl("pkeyutl", "-encrypt", "-certin", "-inkey", cert.toString(), "-in", secret.toString(), "-out",
          encrypted.toString()).requireSuccess();
      Processes.Result decrypted = ca.openssl("pkeyutl", "-decrypt", "-inkey", keyPem.toString(), "-in",
          encrypted.toString()).requireSuccess();
      assertEquals(Files.readString(secret), decrypted.stdout());
      assertTrue(ca.p11ca("audit-verify", "--config", ca.config.toString()).requireSuccess().stdout()
          .contains("is intact"));
    }
  }

  /**
   * The same for an EC key (which Dogtag cannot do): archived under the transport key, challenged by ECDH,
   * recovered; openssl finds the recovered key is the certificate's and opens CMS mail encrypted to the
   * certificate by ECDH (RFC 5753).
   */
  @Test
  void ecKey_archivesIssuesAndRecovers() throws Exception {
    Path profiles = RunningCa.shippedProfilesAnd(dir, EC_PROFILE);
    try (RunningCa ca = RunningCa.prepare(dir, "profilesDir: " + profiles + "\n")) {
      Path bob = ca.bootstrapUser("bob", BOB, false);
      Path kraAgent = kraAgent(ca);
      ca.start();
      Path cert = enrolWithArchival(ca, bob, "ec:P-256", "caFullCMCEcdhArchivalCert");
      ca.stop();
      assertTrue(ca.auditEvents().stream().anyMatch(e -> e.startsWith(
          "[AuditEvent=SECURITY_DATA_ARCHIVAL_REQUEST_PROCESSED]") && e.contains("[Outcome=Success]")),
          "the EC key was archived");

      Path keyPem = recover(ca, kraAgent, cert);
      assertEquals(ca.openssl("x509", "-in", cert.toString(), "-noout", "-pubkey").requireSuccess().stdout(),
          ca.openssl("pkey", "-in", keyPem.toString(), "-pubout").requireSuccess().stdout(),
          "the recovered key is the certificate's key");
      Path secret = Files.writeString(dir.resolve("secret.txt"), "mail encrypted to bob's EC certificate\n");
      Path encrypted = dir.resolve("secret.p7m");
      ca.openssl("cms", "-encrypt", "-binary", "-aes-128-cbc", "-in", secret.toString(), "-outform", "DER", "-out",
          encrypted.toString(), cert.toString()).requireSuccess();
      Processes.Result decrypted = ca.openssl("cms", "-decrypt", "-binary", "-inform", "DER", "-in",
          encrypted.toString(), "-inkey", keyPem.toString(), "-recip", cert.toString()).requireSuccess();
      assertEquals(Files.readString(secret), decrypted.stdout());
      assertTrue(ca.p11ca("audit-verify", "--config", ca.config.toString()).requireSuccess().stdout()
          .contains("is intact"));
    }
  }

  /**
   * Seed page 1 with the client tools: a new key, a CRMF request without POP and with the key archived for the
   * KRA transport certificate, round 1 (POP required, encryptedPOP), the decryptedPOP answer, round 2; returns
   * the issued certificate, which openssl verifies against the CA.
   */
  private Path enrolWithArchival(RunningCa ca, Path bob, String keyType, String profile, String... requestOptions)
      throws Exception {
    Path transport = ca.data.resolve("kra-transport.pem");
    Path work = Files.createDirectories(dir.resolve("work"));
    String pass = ca.passwordFile.toString();
    String path = "/ca/ee/ca/profileSubmitUserSignedCMCFull?profileId=" + profile;
    ca.cmc("crmf", "--new-key", keyType, "--key-p12", work.resolve("enc.p12").toString(), "--password-file",
        pass, "--subject", BOB, "--pop", "none", "--transport", transport.toString(), "--out",
        work.resolve("crmf.der").toString()).requireSuccess();
    List<String> request = new java.util.ArrayList<>(List.of("request", "--in", work.resolve("crmf.der").toString(),
        "--signer-p12", bob.toString(), "--password-file", pass, "--out", work.resolve("round1.der").toString()));
    request.addAll(List.of(requestOptions));
    ca.cmc(request.toArray(String[]::new)).requireSuccess();
    ca.cmc("submit", "--url", ca.url(path), "--ca", ca.caPem.toString(), "--client-p12", bob.toString(),
        "--password-file", pass, "--in", work.resolve("round1.der").toString(), "--out",
        work.resolve("response1.der").toString()).requireSuccess();
    Processes.Result r1 = ca.cmc("response", "--in", work.resolve("response1.der").toString(), "--ca",
        ca.caPem.toString());
    assertEquals(1, r1.exitCode(), r1.stdout());
    assertTrue(r1.stdout().contains("failInfo=POP required") && r1.stdout().contains("CMC encrypted POP"),
        r1.stdout());

    ca.cmc("request", "--decrypted-pop", "--response", work.resolve("response1.der").toString(), "--key-p12",
        work.resolve("enc.p12").toString(), "--signer-p12", bob.toString(), "--password-file", pass, "--out",
        work.resolve("round2.der").toString()).requireSuccess();
    ca.cmc("submit", "--url", ca.url(path), "--ca", ca.caPem.toString(), "--client-p12", bob.toString(),
        "--password-file", pass, "--in", work.resolve("round2.der").toString(), "--out",
        work.resolve("response2.der").toString()).requireSuccess();
    Path cert = work.resolve("enc.pem");
    ca.cmc("response", "--in", work.resolve("response2.der").toString(), "--ca", ca.caPem.toString(),
        "--write-cert", cert.toString()).requireSuccess();
    assertEquals(cert + ": OK", ca.openssl("verify", "-CAfile", ca.caPem.toString(), cert.toString())
        .requireSuccess().stdout().strip());
    return cert;
  }

  /**
   * Key recovery by a KRA agent with the server stopped (the audit log has one writer): request, approve,
   * release as a PKCS#12, which openssl opens; returns the key as PEM.
   */
  private Path recover(RunningCa ca, Path kraAgent, Path cert) throws Exception {
    String serialHex = ca.openssl("x509", "-in", cert.toString(), "-noout", "-serial").requireSuccess().stdout()
        .strip().replace("serial=", "");
    Processes.Result requested = ca.p11ca("recover-key", "request", "--config", ca.config.toString(), "--serial",
        serialHex, "--agent-cert", kraAgent.toString()).requireSuccess();
    java.util.regex.Matcher recovery = java.util.regex.Pattern.compile("key recovery (\\d+)")
        .matcher(requested.stdout());
    assertTrue(recovery.find(), requested.stdout());
    String id = recovery.group(1);
    ca.p11ca("recover-key", "approve", "--config", ca.config.toString(), "--id", id, "--agent-cert",
        kraAgent.toString()).requireSuccess();
    Path p12Pass = Files.writeString(dir.resolve("recovery.pass"), "recovered-key-pass\n");
    Path p12 = dir.resolve("recovered.p12");
    ca.p11ca("recover-key", "release", "--config", ca.config.toString(), "--id", id, "--agent-cert",
        kraAgent.toString(), "--password-file", p12Pass.toString(), "--out", p12.toString()).requireSuccess();
    Map<String, String> env = Map.of("P11CA_RECOVERY_PASS", "recovered-key-pass");
    String key = Processes.run(env, null, List.of("openssl", "pkcs12", "-in", p12.toString(), "-nocerts",
        "-nodes", "-passin", "env:P11CA_RECOVERY_PASS")).requireSuccess().stdout();
    return Files.writeString(dir.resolve("recovered.key"), key);
  }

  /** A KRA agent's certificate from p11ca bootstrap (role KRA_AGENT), as an operator makes the first one. */
  private static Path kraAgent(RunningCa ca) {
    Path csr = ca.data.resolve("kra1.csr");
    Path pem = ca.data.resolve("kra1.pem");
    ca.cmc("pkcs10", "--new-key", "rsa:2048", "--key-p12", ca.data.resolve("kra1.p12").toString(), "--password-file",
        ca.passwordFile.toString(), "--subject", "UID=kra1,O=Example", "--out", csr.toString()).requireSuccess();
    ca.p11ca("bootstrap", "--config", ca.config.toString(), "--csr", csr.toString(), "--agent", "kra1", "--role",
        "KRA_AGENT", "--operator", "e2e-operator", "--out", pem.toString()).requireSuccess();
    return pem;
  }
}
