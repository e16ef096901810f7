package org.p11ca.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.audit.AuditLogVerifier;
import org.p11ca.ca.audit.VerificationResult;
import org.p11ca.ca.kra.ArchiveOptions;
import org.p11ca.ca.kra.ArchivedKey;
import org.p11ca.ca.kra.KeyArchiver;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.JdbcArchivedKeyStore;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;
import org.p11ca.server.config.ServerConfigLoader;
import org.p11ca.server.http.KeyRecoveryHandler;
import org.p11ca.server.testing.CaTokens;
import org.p11ca.server.testing.RawHttps;
import org.p11ca.server.testing.SoftwarePki;

/**
 * Key recovery through the real composition root on a fresh SoftHSM2 token with KRA transport and storage keys:
 * agents made with {@code p11ca bootstrap --role KRA_AGENT}, carol's key archived on the token as a CRMF
 * PKIArchiveOptions would carry it, two of the agents required. Over HTTPS with agent TLS client certificates, and
 * with {@code p11ca recover-key} while the server is stopped; the PKCS#12 is read by openssl.
 */
class KeyRecoveryEndpointsTest {

  static final String PASSWORD = "recovered over https";

  @TempDir
  Path dir;

  private CaTokens.CaToken caToken;
  private Path config;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private SoftwarePki.Identity alice;
  private SoftwarePki.Identity bob;
  private SoftwarePki.Identity erin;
  private X509Certificate carol;

  @BeforeEach
  void kra() throws Exception {
    caToken = CaTokens.create("kra-recovery");
    try (Token token = Pkcs11Library.open(caToken.token().config(Backend.IAIK))) {
      token.generateAesKey(256, KeyAttributes.persistent("kra-storage", KeyUsage.WRAP, KeyUsage.UNWRAP));
      token.generateKeyPair(new KeyPairSpec.Rsa(2048),
          KeyAttributes.persistent("kra-transport", KeyUsage.DECRYPT, KeyUsage.UNWRAP));
    }
    Path pin = caToken.writePinFile(dir);
    config = Files.writeString(dir.resolve("p11ca.yaml"), "dataDir: data\n"
        + "token:\n  library: " + SoftHsm.library() + "\n  label: " + caToken.token().label() + "\n"
        + "  pinFile: " + pin.getFileName() + "\n"
        + "http:\n  port: 0\n"
        + "kra:\n  requiredApprovals: 2\n");
    alice = bootstrap("UID=alice,OU=KRA Agents,O=Example", Optional.of("alice"), "KRA_AGENT");
    bob = bootstrap("UID=bob,OU=KRA Agents,O=Example", Optional.of("bob"), "KRA_AGENT");
    erin = bootstrap("UID=erin,OU=CA Agents,O=Example", Optional.of("erin"), "CA_AGENT");
    KeyPair carolKeys = rsaKey();
    carol = bootstrap("UID=carol,O=Example", Optional.empty(), null, carolKeys).certificate();
    archive(carol, carolKeys);
  }

  @Test
  void https_refusesWithoutOrWithAWrongClientCertificate_thenRequestApproveReleaseGivesAPkcs12OpensslReads()
      throws Exception {
    String serialHex = carol.getSerialNumber().toString(16);
    try (CaInstance instance = CaInstance.start(ServerConfigLoader.load(config), Clock.systemUTC())) {
      X509Certificate ca = caToken.caCertificate();
      RawHttps anonymous = new RawHttps(instance.port(), ca, Optional.empty());
      RawHttps foreign = new RawHttps(instance.port(), ca, Optional.of(SoftwarePki.issue(
          SoftwarePki.selfSignedCa("CN=Somebody Else's CA"), "UID=alice,OU=KRA Agents,O=Example")));
      RawHttps asErin = new RawHttps(instance.port(), ca, Optional.of(erin));
      RawHttps asAlice = new RawHttps(instance.port(), ca, Optional.of(alice));
      RawHttps asBob = new RawHttps(instance.port(), ca, Optional.of(bob));
      String request = KeyRecoveryHandler.Operation.REQUEST.path() + "?serial=" + serialHex;

      RawHttps.Response none = post(anonymous, request, "");
      assertEquals(403, none.status(), none.text());
      assertTrue(none.text().contains("requires a KRA agent's TLS client certificate"), none.text());
      RawHttps.Response notOurs = post(foreign, request, "");
      assertEquals(403, notOurs.status(), notOurs.text());
      assertTrue(notOurs.text().contains("was not issued by this CA"), notOurs.text());
      RawHttps.Response caAgent = post(asErin, request, "");
      assertEquals(403, caAgent.status(), caAgent.text());
      assertTrue(caAgent.text().contains("does not hold the KRA_AGENT role"), caAgent.text());
      RawHttps.Response badQuery = post(asAlice, KeyRecoveryHandler.Operation.REQUEST.path() + "?serial=%zz", "");
      assertEquals(400, badQuery.status(), badQuery.text());
      assertTrue(badQuery.text().contains("not valid URL encoding"), badQuery.text());
      for (RawHttps.Response r : List.of(none, notOurs, caAgent, badQuery)) {
        assertEquals(Optional.of("text/plain; charset=utf-8"), r.header("Content-Type"));
        assertEquals(1, r.text().strip().lines().count(), r.text());
      }

      RawHttps.Response unknownSerial = post(asAlice, KeyRecoveryHandler.Operation.REQUEST.path()
          + "?serial=7fffffff01", "");
      assertEquals(404, unknownSerial.status(), unknownSerial.text());
      RawHttps.Response badSerial = post(asAlice, KeyRecoveryHandler.Operation.REQUEST.path() + "?serial=xyz", "");
      assertEquals(400, badSerial.status(), badSerial.text());

      RawHttps.Response asked = post(asAlice, request, "");
      assertEquals(200, asked.status(), asked.text());
      Matcher m = Pattern.compile("recoveryId (\\d+)\n").matcher(asked.text());
      assertTrue(m.matches(), asked.text());
      long id = Long.parseLong(m.group(1));
      String approve = KeyRecoveryHandler.Operation.APPROVE.path() + "?id=" + id;
      String release = KeyRecoveryHandler.Operation.RELEASE.path() + "?id=" + id;

      assertEquals(404, post(asAlice, KeyRecoveryHandler.Operation.APPROVE.path() + "?id=99999", "").status());
      RawHttps.Response early = post(asAlice, release, PASSWORD + "\n");
      assertEquals(409, early.status(), early.text());
      assertTrue(early.text().contains("has 0 of the 2 agent approvals"), early.text());
      assertEquals(403, post(asErin, approve, "").status());

      RawHttps.Response first = post(asAlice, approve, "");
      assertEquals(200, first.status(), first.text());
      assertEquals("recoveryId " + id + ": 1 of 2 approvals\n", first.text());
      assertEquals(409, post(asAlice, approve, "").status(), "an agent approves once");
      assertEquals(409, post(asAlice, release, PASSWORD + "\n").status(), "one approval of two");
      RawHttps.Response second = post(asBob, approve, "");
      assertEquals("recoveryId " + id + ": 2 of 2 approvals, ready for release\n", second.text());

      RawHttps.Response notRequester = post(asBob, release, PASSWORD + "\n");
      assertEquals(403, notRequester.status(), notRequester.text());
      assertEquals(400, post(asAlice, release, "").status(), "no password");
      assertEquals(400, post(asAlice, release, "short\n").status(), "too short a password");

      RawHttps.Response released = post(asAlice, release, PASSWORD + "\r\nignored second line");
      assertEquals(200, released.status(), released.text());
      assertEquals(Optional.of(KeyRecoveryHandler.PKCS12_MEDIA_TYPE), released.header("Content-Type"));
      assertEquals(Optional.of("no-store"), released.header("Cache-Control"));
      assertOpensslFindsCarolsKey(released.body());

      RawHttps.Response again = post(asAlice, release, PASSWORD + "\n");
      assertEquals(409, again.status(), again.text());
      assertTrue(again.text().contains("released already"), again.text());

      // A second recovery, cancelled by another KRA agent before anybody approved it: it can no longer release.
      RawHttps.Response second2 = post(asAlice, request, "");
      Matcher m2 = Pattern.compile("recoveryId (\\d+)\n").matcher(second2.text());
      assertTrue(m2.matches(), second2.text());
      String cancel = KeyRecoveryHandler.Operation.CANCEL.path() + "?id=" + m2.group(1);
      assertEquals(403, post(asErin, cancel, "").status(), "a CA agent cannot cancel a key recovery");
      RawHttps.Response cancelled = post(asBob, cancel, "");
      assertEquals(200, cancelled.status(), cancelled.text());
      assertEquals("recoveryId " + m2.group(1) + " cancelled\n", cancelled.text());
      RawHttps.Response twice = post(asBob, cancel, "");
      assertEquals(409, twice.status(), twice.text());
      assertEquals(409, post(asAlice, KeyRecoveryHandler.Operation.APPROVE.path() + "?id=" + m2.group(1), "")
          .status(), "a cancelled recovery takes no approvals");
      assertEquals(400, post(asBob, KeyRecoveryHandler.Operation.CANCEL.path(), "").status(), "no id");
    }

    Path log = dir.resolve("data/audit/audit.log");
    try (Token token = Pkcs11Library.open(caToken.token().config(Backend.IAIK))) {
      var auditKey = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("audit-signing"));
      assertInstanceOf(VerificationResult.Intact.class, AuditLogVerifier.verify(log, token.publicKey(auditKey)));
    }
    String text = Files.readString(log);
    String aliceId = alice.certificate().getSubjectX500Principal().getName();
    assertTrue(text.contains("[AuditEvent=SECURITY_DATA_RECOVERY_REQUEST][SubjectID=" + aliceId
        + "][Outcome=Success]"), text);
    assertTrue(text.contains("[AuditEvent=SECURITY_DATA_RECOVERY_REQUEST_STATE_CHANGE][SubjectID="
        + bob.certificate().getSubjectX500Principal().getName() + "][Outcome=Success]"), text);
    assertTrue(text.contains("[AuditEvent=SECURITY_DATA_EXPORT_KEY][SubjectID=" + aliceId + "][Outcome=Success]"),
        text);
    assertTrue(text.contains("[AuditEvent=AUTH_FAILURE][SubjectID=O=Example,OU=KRA Agents,UID=alice]"
        + "[Outcome=Failure][AuthMgr=TLSClientCertAuth]"), "the foreign certificate's refusal: " + text);
    assertFalse(text.contains(PASSWORD), "the password is never audited");
  }

  @Test
  void cli_requestApproveRelease_withTheServerStopped() throws Exception {
    Path aliceCert = dir.resolve("alice.pem");
    Path bobCert = dir.resolve("bob.pem");
    Path erinCert = dir.resolve("erin.pem");
    String serialHex = carol.getSerialNumber().toString(16);

    assertEquals(P11caCommand.CA_FAILURE, run("recover-key", "request", "--config", config.toString(), "--serial",
        serialHex, "--agent-cert", erinCert.toString()));
    assertTrue(err.toString().startsWith("p11ca: agent 'erin' does not hold the KRA_AGENT role"), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());

    assertEquals(0, run("recover-key", "request", "--config", config.toString(), "--serial", "0x" + serialHex,
        "--agent-cert", aliceCert.toString()), err.toString());
    Matcher m = Pattern.compile("p11ca: key recovery (\\d+) asked for certificate 0x" + serialHex
        + " by agent 'alice'; it needs 2 KRA agent approval\\(s\\) within PT24H\\s*").matcher(out.toString());
    assertTrue(m.matches(), out.toString());
    String id = m.group(1);

    Path passwordFile = Files.writeString(dir.resolve("p12.pass"), PASSWORD + "\n");
    Path p12 = dir.resolve("carol.p12");
    String[] release = {"recover-key", "release", "--config", config.toString(), "--id", id, "--agent-cert",
        aliceCert.toString(), "--password-file", passwordFile.toString(), "--out", p12.toString()};

    assertEquals(0, run("recover-key", "approve", "--config", config.toString(), "--id", id, "--agent-cert",
        aliceCert.toString()), err.toString());
    assertTrue(out.toString().contains("1 of 2 approvals"), out.toString());
    assertEquals(P11caCommand.CA_FAILURE, run(release));
    assertTrue(err.toString().startsWith("p11ca: key recovery " + id + " has 1 of the 2 agent approvals"),
        err.toString());
    assertFalse(Files.exists(p12), "a refused release leaves no file behind");

    assertEquals(0, run("recover-key", "approve", "--config", config.toString(), "--id", id, "--agent-cert",
        bobCert.toString()), err.toString());
    assertTrue(out.toString().contains("2 of 2 approvals, ready for release"), out.toString());
    assertEquals(0, run(release), err.toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p12)));
    assertOpensslFindsCarolsKey(Files.readAllBytes(p12));

    Files.delete(p12);
    assertEquals(P11caCommand.CA_FAILURE, run(release));
    assertTrue(err.toString().startsWith("p11ca: key recovery " + id + " was released already"), err.toString());
    assertEquals(P11caCommand.USAGE, run("recover-key", "release", "--config", config.toString(), "--id", id,
        "--agent-cert", aliceCert.toString(), "--password-file", passwordFile.toString(), "--password-env", "X",
        "--out", p12.toString()));
    assertFalse(err.toString().contains(PASSWORD), "the password is never echoed");

    assertEquals(0, run("audit-verify", "--config", config.toString()), err.toString());
    String log = Files.readString(dir.resolve("data/audit/audit.log"));
    assertTrue(log.contains("[AuditEvent=SECURITY_DATA_EXPORT_KEY][SubjectID="
        + alice.certificate().getSubjectX500Principal().getName() + "][Outcome=Success][RecoveryID=" + id + "]"),
        log);
    assertTrue(log.contains("[AuthMgr=OperatorNamedAgentCert]"), log);
    assertFalse(log.contains(PASSWORD));
  }

  @Test
  void cli_listShowsOpenRecoveries_andCancelClosesOne() throws Exception {
    Path aliceCert = dir.resolve("alice.pem");
    Path bobCert = dir.resolve("bob.pem");
    String serialHex = carol.getSerialNumber().toString(16);
    assertEquals(0, run("recover-key", "request", "--config", config.toString(), "--serial", serialHex,
        "--agent-cert", aliceCert.toString()), err.toString());
    Matcher m = Pattern.compile("key recovery (\\d+) asked").matcher(out.toString());
    assertTrue(m.find(), out.toString());
    String id = m.group(1);
    assertEquals(0, run("recover-key", "approve", "--config", config.toString(), "--id", id, "--agent-cert",
        aliceCert.toString()), err.toString());

    assertEquals(0, run("recover-key", "list", "--config", config.toString(), "--agent-cert", bobCert.toString()),
        err.toString());
    assertTrue(out.toString().contains("  id=" + id + " serial=0x" + serialHex + " status=PENDING requester='alice'"
        + " approvals=1/2 by=[alice] expires="), out.toString());

    assertEquals(0, run("recover-key", "cancel", "--config", config.toString(), "--id", id, "--agent-cert",
        bobCert.toString()), err.toString());
    assertEquals("p11ca: key recovery " + id + " cancelled by agent 'bob'", out.toString().strip());
    assertEquals(0, run("recover-key", "list", "--config", config.toString(), "--agent-cert", bobCert.toString()),
        err.toString());
    assertFalse(out.toString().contains("id=" + id + " "), out.toString());
    assertEquals(P11caCommand.CA_FAILURE, run("recover-key", "approve", "--config", config.toString(), "--id", id,
        "--agent-cert", bobCert.toString()));
    assertEquals("p11ca: key recovery " + id + " was cancelled; ask for the key again", err.toString().strip());
    assertEquals(P11caCommand.CA_FAILURE, run("recover-key", "list", "--config", config.toString(), "--agent-cert",
        dir.resolve("erin.pem").toString()));
    assertTrue(err.toString().startsWith("p11ca: agent 'erin' does not hold the KRA_AGENT role"), err.toString());
  }

  // ---- fixtures ----

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return P11caCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private static RawHttps.Response post(RawHttps client, String path, String body) throws Exception {
    return RawHttps.Response.parse(client.exchange(RawHttps.http10Post(path,
        body.getBytes(StandardCharsets.UTF_8))));
  }

  private SoftwarePki.Identity bootstrap(String subject, Optional<String> agent, String role) throws Exception {
    return bootstrap(subject, agent, role, rsaKey());
  }

  /** Issues a certificate for {@code keys} with {@code p11ca bootstrap}, as an operator makes agents. */
  private SoftwarePki.Identity bootstrap(String subject, Optional<String> agent, String role, KeyPair keys)
      throws Exception {
    var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
      w.writeObject(csr);
    }
    String name = agent.orElse("carol");
    Path csrFile = Files.writeString(dir.resolve(name + ".csr"), pem.toString());
    Path certFile = dir.resolve(name + ".pem");
    List<String> args = new ArrayList<>(List.of("bootstrap", "--config", config.toString(), "--csr",
        csrFile.toString(), "--operator", "kra-test", "--out", certFile.toString()));
    if (agent.isPresent()) {
      args.addAll(List.of("--agent", agent.get(), "--role", role));
    }
    assertEquals(0, run(args.toArray(String[]::new)), err.toString());
    try (Reader r = Files.newBufferedReader(certFile); PEMParser p = new PEMParser(r)) {
      return new SoftwarePki.Identity(keys, new JcaX509CertificateConverter().getCertificate(
          (X509CertificateHolder) p.readObject()));
    }
  }

  /**
   * Archives carol's key on the token as the CA does for a CRMF request whose PKIArchiveOptions carry it: the
   * PKCS#8 wrapped (RFC 5649) under a fresh AES key, that key RSA-encrypted to the KRA transport key.
   */
  private void archive(X509Certificate cert, KeyPair keys) throws Exception {
    try (Token token = Pkcs11Library.open(caToken.token().config(Backend.IAIK));
        CaDatabase db = CaDatabase.openSqlite(dir.resolve("data"))) {
      KeyHandle transport = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("kra-transport"));
      KeyHandle storage = token.requireKey(ObjectClass.SECRET_KEY, KeySelector.label("kra-storage"));
      byte[] sessionKey = new byte[32];
      new SecureRandom().nextBytes(sessionKey);
      Cipher wrap = Cipher.getInstance("AES/KWP/NoPadding");
      wrap.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"));
      byte[] wrappedKey = wrap.doFinal(keys.getPrivate().getEncoded());
      Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      rsa.init(Cipher.ENCRYPT_MODE, token.publicKey(transport));
      byte[] encryptedSessionKey = rsa.doFinal(sessionKey);
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded());
      ArchivedKey archived = new KeyArchiver(token, transport, storage, new RsaPadding.Pkcs1v15()).archive(
          new ArchiveOptions(encryptedSessionKey, new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes256_wrap_pad),
              wrappedKey), spki);
      long requestId = new JdbcCertificateStore(db, Clock.systemUTC()).find(cert.getSerialNumber()).orElseThrow()
          .requestId().orElseThrow();
      JdbcArchivedKeyStore archivedKeys = new JdbcArchivedKeyStore(db, Clock.systemUTC());
      archivedKeys.save(requestId, archived);
      archivedKeys.linkCertificate(requestId, cert.getSerialNumber());
    }
  }

  /** openssl opens the PKCS#12 with the password (from the environment) and holds carol's key in it. */
  private void assertOpensslFindsCarolsKey(byte[] p12) throws Exception {
    Path file = Files.write(Files.createTempFile(dir, "recovered", ".p12"), p12);
    String key = openssl(Map.of("P11CA_P12_PASS", PASSWORD), "pkcs12", "-in", file.toString(), "-nocerts",
        "-nodes", "-passin", "env:P11CA_P12_PASS");
    Path keyPem = Files.writeString(Files.createTempFile(dir, "recovered", ".key.pem"), key);
    Path certPem = Files.writeString(Files.createTempFile(dir, "carol", ".pem"), "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder().encodeToString(carol.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    assertEquals(openssl(Map.of(), "x509", "-in", certPem.toString(), "-noout", "-modulus"),
        openssl(Map.of(), "rsa", "-in", keyPem.toString(), "-noout", "-modulus"));
    // And data encrypted to carol's certificate decrypts with the recovered key, in openssl too.
    Path secret = Files.write(dir.resolve("secret.bin"), new BigInteger(128, new SecureRandom()).toByteArray());
    Path encrypted = dir.resolve("secret.enc");
    openssl(Map.of(), "pkeyutl", "-encrypt", "-certin", "-inkey", certPem.toString(), "-in", secret.toString(),
        "-out", encrypted.toString());
    Path decrypted = dir.resolve("secret.dec");
    openssl(Map.of(), "pkeyutl", "-decrypt", "-inkey", keyPem.toString(), "-in", encrypted.toString(), "-out",
        decrypted.toString());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(secret), Files.readAllBytes(decrypted)),
        "data encrypted to carol's certificate decrypts with the recovered key");
  }

  private static String openssl(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes());
    String stderr = new String(p.getErrorStream().readAllBytes());
    assertEquals(0, p.waitFor(), stderr);
    return stdout;
  }

  private static KeyPair rsaKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }
}
