package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ocsp.signer: delegated} with real processes and independent tools: on a token made by
 * scripts/softhsm-init.sh (which makes the ocsp-signing key), the first start certifies that key; openssl's own OCSP
 * client over plain HTTP, trusting only the CA certificate, accepts the responses the responder signs with it (it
 * finds the responder's certificate in the response and checks its OCSPSigning purpose and issuer); openssl reads
 * the published responder certificate as an OCSP signer with id-pkix-ocsp-nocheck; pkcs11-tool finds it on the token.
 */
class DelegatedOcspResponderTest {

  @Test
  void opensslTrustingOnlyTheCa_acceptsTheDelegatedResponder(@TempDir Path dir) throws Exception {
    try (RunningCa ca = RunningCa.prepare(dir, "  statusPort: 0\n", "ocsp: {signer: delegated}\n")) {
      Path responderPem = ca.data.resolve("ocsp-responder.pem");
      ca.bootstrapUser("alice", "UID=alice,O=Example", false);
      ca.start();
      Path alicePem = ca.data.resolve("alice.pem");
      assertTrue(Files.exists(responderPem), "the responder certificate is published in the data directory");

      String plain = ca.statusUrl();
      // No -verify_other: openssl must take the signer from the response's certs and chain it to -CAfile.
      Processes.Result asked = ca.openssl("ocsp", "-url", plain + "/ocsp", "-issuer", ca.caPem.toString(), "-cert",
          alicePem.toString(), "-CAfile", ca.caPem.toString(), "-resp_text");
      String out = asked.stdout() + asked.stderr();
      assertEquals(0, asked.exitCode(), out);
      assertTrue(out.contains("Response verify OK"), out);
      assertTrue(out.contains(alicePem + ": good"), out);
      assertFalse(out.contains("WARNING"), out);
      assertTrue(out.contains("Responder Id: ") && !out.contains("Responder Id: CN"), "named by key hash: " + out);
      assertTrue(out.contains("OCSP No Check"), "the responder certificate rides along: " + out);

      String text = ca.openssl("x509", "-in", responderPem.toString(), "-noout", "-text").requireSuccess().stdout();
      assertTrue(text.contains("OCSP Signing") && text.contains("OCSP No Check"), text);
      assertTrue(text.contains("Subject: O = p11ca, CN = OCSP Responder"), "the CA's name, CN replaced: " + text);
      assertEquals(responderPem + ": OK", ca.openssl("verify", "-CAfile", ca.caPem.toString(), "-purpose",
          "ocsphelper", responderPem.toString()).requireSuccess().stdout().strip());

      // On the token beside its key (certificates are public objects: no login, no PIN).
      String objects = Processes.run(Map.of("SOFTHSM2_CONF", ca.data.resolve("softhsm/softhsm2.conf").toString()),
          "pkcs11-tool", "--module", SoftHsmInitScriptTest.LIBRARY, "--token-label", "p11ca", "-O", "--type", "cert")
          .requireSuccess().stdout();
      assertTrue(objects.matches("(?s).*Certificate Object;.*\\n\\s+label:\\s+ocsp-signing\\n.*"), objects);
      ca.stop();

      String audit = Files.readString(ca.auditLog());
      assertTrue(audit.lines().anyMatch(l -> l.contains("[AuditEvent=PROFILE_CERT_REQUEST]")
          && l.contains("[ProfileID=caOCSPCert]") && l.contains("[Outcome=Success]")), audit);
    }
  }
}
