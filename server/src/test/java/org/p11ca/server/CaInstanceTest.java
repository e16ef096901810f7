package org.p11ca.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.audit.AuditLogVerifier;
import org.p11ca.ca.audit.VerificationResult;
import org.p11ca.ca.service.CmcEndpoint;
import org.p11ca.ca.service.CmcReply;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.SigningTally;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;
import org.p11ca.server.config.ServerConfig;
import org.p11ca.server.config.ServerConfigLoader;
import org.p11ca.server.testing.CaTokens;
import org.p11ca.server.testing.RawHttps;

/**
 * The composition root on a fresh SoftHSM2 token: the real CmcService, SQLite and audit log, the TLS certificate
 * issued by the CA itself at first start, and HTTPS with the TLS key on the token.
 */
class CaInstanceTest {

  // One token per test: the first start puts the TLS certificate on it, which is what the first test watches.
  private CaTokens.CaToken caToken;

  @TempDir
  Path dir;

  @BeforeEach
  void token() throws Exception {
    caToken = CaTokens.create("server-ca");
  }

  private ServerConfig config(String backend) throws Exception {
    Path pin = caToken.writePinFile(dir);
    String yaml = "dataDir: data\n"
        + "token:\n"
        + "  library: " + SoftHsm.library() + "\n"
        + "  label: " + caToken.token().label() + "\n"
        + "  pinFile: " + pin.getFileName() + "\n"
        + "  backend: " + backend + "\n"
        + "  sessionPoolSize: 4\n"
        + "http:\n"
        + "  port: 0\n"
        + "  tlsHostNames: [localhost]\n"
        + "audit:\n"
        + "  checkpointEveryRecords: 5\n";
    Path file = dir.resolve("p11ca.yaml");
    Files.writeString(file, yaml);
    return ServerConfigLoader.load(file);
  }

  @Test
  void start_issuesTheTlsCertificateFromTheCa_servesItFromTheToken_andTheChainEndpointWorks() throws Exception {
    ServerConfig config = config("iaik");
    X509Certificate ca = caToken.caCertificate();
    X509Certificate tlsCert;
    try (CaInstance instance = CaInstance.start(config, Clock.systemUTC())) {
      tlsCert = instance.tlsCertificate();
      assertEquals(ca.getSubjectX500Principal(), tlsCert.getIssuerX500Principal());
      tlsCert.verify(ca.getPublicKey());
      assertEquals("CN=localhost", tlsCert.getSubjectX500Principal().getName());
      assertTrue(sans(tlsCert).contains(List.of(2, "localhost")), String.valueOf(sans(tlsCert)));
      assertTrue(sans(tlsCert).contains(List.of(7, "127.0.0.1")), String.valueOf(sans(tlsCert)));
      // The TLS certificate was signed with the CA key on the token, and the tally saw it.
      SigningTally signed = instance.signingTally().orElseThrow();
      assertTrue(signed.signatures() >= 1 && signed.threadCpuNanos() > 0, signed.toString());

      // The handshake only succeeds if the server signs with the token's TLS key for a certificate chaining to
      // the CA; the client trusts nothing else.
      RawHttps client = new RawHttps(instance.port(), ca, Optional.empty());
      try (SSLSocket socket = client.open()) {
        assertEquals(tlsCert, socket.getSession().getPeerCertificates()[0]);
      }

      RawHttps.Response chain = RawHttps.Response.parse(client.exchange(
          ("GET /ca/ee/ca/getCertChain HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
      assertEquals(200, chain.status());
      assertEquals(Optional.of(CmcReply.CERTS_ONLY_MEDIA_TYPE), chain.header("Content-Type"));
      CMSSignedData p7 = new CMSSignedData(ContentInfo.getInstance(chain.body()));
      Collection<X509CertificateHolder> certs = p7.getCertificates().getMatches(null);
      assertEquals(List.of(new X509CertificateHolder(ca.getEncoded())), List.copyOf(certs));

      // The real core reads the body: garbage is a 400 with its reason, not a 500.
      RawHttps.Response garbage = RawHttps.Response.parse(client.exchange(RawHttps.http10Post(
          CmcEndpoint.USER_SIGNED_FULL.path(), new byte[] {0x30, 0x7f, 0x01, 0x02})));
      assertEquals(400, garbage.status(), garbage.text());
    }

    // The certificate went onto the token under the TLS label with the key's CKA_ID.
    try (Token token = Pkcs11Library.open(caToken.token().config(Backend.IAIK))) {
      var key = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("tls-server"));
      assertEquals(Optional.of(tlsCert), token.findCertificate(KeySelector.id(key.id().orElseThrow())));
    }

    // Closing signed the final checkpoint; the log holds the issuance and the TLS sessions.
    Path log = dir.resolve("data/audit/audit.log");
    try (Token token = Pkcs11Library.open(caToken.token().config(Backend.IAIK))) {
      var auditKey = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("audit-signing"));
      var result = assertInstanceOf(VerificationResult.Intact.class,
          AuditLogVerifier.verify(log, token.publicKey(auditKey)));
      assertEquals(0, result.unsignedTail(), "the close must sign a final checkpoint");
    }
    String text = Files.readString(log);
    assertTrue(text.contains("[AuditEvent=CERT_REQUEST_PROCESSED]"), text);
    assertTrue(text.contains("[ProfileID=caServerCert]"), text);
    assertTrue(text.contains("[AuditEvent=ACCESS_SESSION_ESTABLISH_SUCCESS]"), text);
    assertTrue(text.contains("[AuditEvent=ACCESS_SESSION_TERMINATED]"), text);

    // A restart keeps the certificate on the token rather than issuing another.
    try (CaInstance again = CaInstance.start(config, Clock.systemUTC())) {
      assertEquals(tlsCert, again.tlsCertificate());
    }
  }

  @Test
  void start_onTheSunBackend_usesTheOneTokenHandleForTheCaAndTls() throws Exception {
    ServerConfig config = config("sun");
    try (CaInstance instance = CaInstance.start(config, Clock.systemUTC())) {
      RawHttps client = new RawHttps(instance.port(), caToken.caCertificate(), Optional.empty());
      RawHttps.Response pem = RawHttps.Response.parse(client.exchange(
          ("GET /ca/ee/ca/getCACert HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
      assertEquals(200, pem.status());
      assertTrue(pem.text().startsWith("-----BEGIN CERTIFICATE-----"), pem.text());
    }
  }

  @Test
  void start_servesAFullCrlSignedByTheCa_atDogtagsGetCrlPath_asApplicationPkixCrl() throws Exception {
    ServerConfig config = config("iaik");
    X509Certificate ca = caToken.caCertificate();
    try (CaInstance instance = CaInstance.start(config, Clock.systemUTC())) {
      RawHttps client = new RawHttps(instance.port(), ca, Optional.empty());
      RawHttps.Response crl = RawHttps.Response.parse(client.exchange(
          ("GET /ca/ee/ca/getCRL?crlIssuingPoint=MasterCRL&op=getCRL HTTP/1.0\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII)));
      assertEquals(200, crl.status(), crl.text());
      assertEquals(Optional.of("application/pkix-crl"), crl.header("Content-Type"));
      X509CRLHolder holder = new X509CRLHolder(crl.body());
      assertTrue(holder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.getPublicKey())));
      assertEquals(new X509CertificateHolder(ca.getEncoded()).getSubject(), holder.getIssuer());
      assertTrue(holder.getRevokedCertificates().isEmpty(), "nothing is revoked yet");

      RawHttps.Response again = RawHttps.Response.parse(client.exchange(
          ("GET /ca/crl HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
      assertEquals(200, again.status());
      assertTrue(java.util.Arrays.equals(crl.body(), again.body()), "one current CRL on both paths");
    }
    assertTrue(Files.readString(dir.resolve("data/audit/audit.log")).contains("[AuditEvent=FULL_CRL_GENERATION]"));
  }

  private static List<List<?>> sans(X509Certificate cert) throws Exception {
    return List.copyOf(cert.getSubjectAlternativeNames());
  }

}
