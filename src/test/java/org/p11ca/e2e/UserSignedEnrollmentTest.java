package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue [2] acceptance 1, the seed's user-signed flow over HTTPS: a subscriber who holds a certificate of this CA
 * makes a new key and a CRMF request with signature POP, wraps it in a Full PKI Request signed with that
 * certificate, and submits it with the same certificate as TLS client certificate. Independent tools check the
 * result: openssl for the certificate and the response signature; the audit log shows the seed's event sequence
 * and passes {@code p11ca audit-verify}.
 */
class UserSignedEnrollmentTest {

  static final String BOB = "UID=bob,O=Example";

  @TempDir
  Path dir;

  @Test
  void userSignedCrmfOverTls_isIssuedToTheSignersSubject_withTheSeedsAuditEvents() throws Exception {
    try (RunningCa ca = RunningCa.prepare(dir, "")) {
      Path bob = ca.bootstrapUser("bob", BOB, false);
      ca.start();
      Path work = Files.createDirectories(dir.resolve("bob-work"));
      String pass = ca.passwordFile.toString();

      ca.cmc("crmf", "--new-key", "rsa:2048", "--key-p12", work.resolve("new.p12").toString(), "--password-file",
          pass, "--subject", BOB, "--pop", "signature", "--out", work.resolve("crmf.der").toString()).requireSuccess();
      ca.cmc("request", "--in", work.resolve("crmf.der").toString(), "--signer-p12", bob.toString(),
          "--password-file", pass, "--dogtag-nonce", "--out", work.resolve("cmc.der").toString()).requireSuccess();
      ca.cmc("submit", "--url", ca.url("/ca/ee/ca/profileSubmitUserSignedCMCFull"), "--ca", ca.caPem.toString(),
          "--client-p12", bob.toString(), "--password-file", pass, "--in", work.resolve("cmc.der").toString(),
          "--out", work.resolve("response.der").toString()).requireSuccess();
      Processes.Result response = ca.cmc("response", "--in", work.resolve("response.der").toString(), "--ca",
          ca.caPem.toString(), "--write-cert", work.resolve("new.pem").toString()).requireSuccess();
      assertTrue(response.stdout().contains("Status: SUCCESS"), response.stdout());

      // openssl, not our code, judges the certificate and the response.
      Path newCert = work.resolve("new.pem");
      assertEquals(work.resolve("new.pem") + ": OK", ca.openssl("verify", "-CAfile", ca.caPem.toString(),
          newCert.toString()).requireSuccess().stdout().strip());
      assertEquals(subject(ca, ca.data.resolve("bob.pem")), subject(ca, newCert),
          "the new certificate's subject is the signer's");
      Processes.Result cms = ca.openssl("cms", "-verify", "-inform", "DER", "-in",
          work.resolve("response.der").toString(), "-CAfile", ca.caPem.toString(), "-out",
          work.resolve("pkiresponse.der").toString());
      assertEquals(0, cms.exitCode(), cms.stderr());
      assertTrue(cms.stderr().contains("Verification successful"), cms.stderr());
      BigInteger serial = new BigInteger(ca.openssl("x509", "-in", newCert.toString(), "-noout", "-serial")
          .requireSuccess().stdout().strip().replace("serial=", ""), 16);

      ca.stop();
      List<String> events = ca.auditEvents();
      int processed = indexOf(events, "[AuditEvent=CERT_REQUEST_PROCESSED]", "[CertSerialNum=" + serial + "]");
      assertTrue(processed >= 5, "CERT_REQUEST_PROCESSED for serial " + serial + " in\n" + String.join("\n", events));
      List<String> sequence = events.subList(processed - 5, processed + 2).stream()
          .map(e -> e.substring(0, e.indexOf(']') + 1)).toList();
      assertEquals(List.of("[AuditEvent=ACCESS_SESSION_ESTABLISH_SUCCESS]",
          "[AuditEvent=CMC_USER_SIGNED_REQUEST_SIG_VERIFY_SUCCESS]", "[AuditEvent=AUTH_SUCCESS]",
          "[AuditEvent=AUTHZ_SUCCESS]", "[AuditEvent=PROFILE_CERT_REQUEST]", "[AuditEvent=CERT_REQUEST_PROCESSED]",
          "[AuditEvent=ACCESS_SESSION_TERMINATED]"), sequence, String.join("\n", events));
      assertTrue(events.get(processed - 5).contains("[SubjectID=" + BOB + "]"), events.get(processed - 5));
      assertTrue(events.get(processed - 1).contains("[ProfileID=caFullCMCUserSignedCert]"));
      assertTrue(events.get(processed - 3).contains("[AuthMgr=CMCUserSignedAuth]"));

      Processes.Result verify = ca.p11ca("audit-verify", "--config", ca.config.toString()).requireSuccess();
      assertTrue(verify.stdout().contains("is intact"), verify.stdout());
      assertTrue(!verify.stdout().contains("warning"), "after a clean stop every record is under a signed"
          + " checkpoint: " + verify.stdout());
    }
  }

  private static String subject(RunningCa ca, Path pem) {
    return ca.openssl("x509", "-in", pem.toString(), "-noout", "-subject", "-nameopt", "RFC2253").requireSuccess()
        .stdout().strip();
  }

  private static int indexOf(List<String> events, String... parts) {
    for (int i = 0; i < events.size(); i++) {
      String e = events.get(i);
      if (java.util.Arrays.stream(parts).allMatch(e::contains)) {
        return i;
      }
    }
    return -1;
  }
}
