package org.p11ca.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.repository.AgentRole;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.CertificateId;
import org.p11ca.ca.repository.JdbcAgentStore;
import org.p11ca.server.testing.CaTokens;
import org.p11ca.hsm.testing.SoftHsm;

/** {@code p11ca bootstrap} and {@code p11ca audit-verify} on a fresh token, database and audit log. */
class OperatorCommandsTest {

  @TempDir
  Path dir;

  private CaTokens.CaToken caToken;
  private Path config;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void ca() throws Exception {
    caToken = CaTokens.create("operator-cmds");
    Path pin = caToken.writePinFile(dir);
    config = Files.writeString(dir.resolve("p11ca.yaml"), "dataDir: data\n"
        + "token:\n  library: " + SoftHsm.library() + "\n  label: " + caToken.token().label() + "\n"
        + "  pinFile: " + pin.getFileName() + "\n"
        + "http:\n  port: 0\n");
  }

  private int run(String... args) {
    return P11caCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private Path csr(String subject) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair keys = g.generateKeyPair();
    var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
      w.writeObject(csr);
    }
    return Files.writeString(dir.resolve(subject.replaceAll("\\W", "_") + ".csr"), pem.toString());
  }

  private static X509CertificateHolder readCert(Path pem) throws Exception {
    try (Reader r = Files.newBufferedReader(pem); PEMParser p = new PEMParser(r)) {
      return (X509CertificateHolder) p.readObject();
    }
  }

  @Test
  void bootstrap_issuesFromTheCsr_grantsTheAgentRole_andTheAuditLogVerifies() throws Exception {
    Path cert = dir.resolve("agent.pem");
    assertEquals(0, run("bootstrap", "--config", config.toString(), "--csr",
        csr("UID=agent1,CN=CMC Agent,O=Example").toString(), "--agent", "agent1", "--operator", "alice",
        "--out", cert.toString()), err.toString());
    X509CertificateHolder issued = readCert(cert);
    assertEquals(new X500Name("UID=agent1,CN=CMC Agent,O=Example"), issued.getSubject());
    assertEquals(new X500Name(CaTokens.CA_SUBJECT), issued.getIssuer());
    assertTrue(out.toString().contains("serial 0x" + issued.getSerialNumber().toString(16)), out.toString());

    try (CaDatabase db = CaDatabase.openSqlite(dir.resolve("data"))) {
      JdbcAgentStore agents = new JdbcAgentStore(db, java.time.Clock.systemUTC());
      assertTrue(agents.hasRole(CertificateId.of(new X500Principal(issued.getIssuer().getEncoded()),
          issued.getSerialNumber()), AgentRole.CA_AGENT));
    }
    String log = Files.readString(dir.resolve("data/audit/audit.log"));
    assertTrue(log.contains("[AuditEvent=CERT_REQUEST_PROCESSED][SubjectID=alice][Outcome=Success]"), log);
    assertTrue(log.contains("[AuditEvent=CONFIG_ROLE][SubjectID=alice][Outcome=Success]"), log);

    out.getBuffer().setLength(0);
    assertEquals(0, run("audit-verify", "--config", config.toString()), err.toString());
    assertTrue(out.toString().contains("is intact"), out.toString());
  }

  /**
   * The server's {@code locations} reach every certificate whose profile names none: cRLDistributionPoints and
   * authorityInfoAccess (RFC 5280 4.2.1.13, 4.2.2.1) as openssl reads them.
   */
  @Test
  void configuredLocations_areInTheIssuedCertificate() throws Exception {
    Files.writeString(config, Files.readString(config) + "locations:\n"
        + "  crlDistributionPoint: http://ca.example.com/pki/ca.crl\n"
        + "  ocsp: http://ca.example.com/ocsp\n"
        + "  caIssuers: http://ca.example.com/pki/ca.crt\n");
    Path cert = dir.resolve("located.pem");
    assertEquals(0, run("bootstrap", "--config", config.toString(), "--csr", csr("UID=loc,O=Example").toString(),
        "--out", cert.toString()), err.toString());
    Process p = new ProcessBuilder("openssl", "x509", "-in", cert.toString(), "-noout", "-text")
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), text);
    assertTrue(text.contains("URI:http://ca.example.com/pki/ca.crl"), text);
    assertTrue(text.contains("OCSP - URI:http://ca.example.com/ocsp"), text);
    assertTrue(text.contains("CA Issuers - URI:http://ca.example.com/pki/ca.crt"), text);
  }

  @Test
  void bootstrap_refusesAnExistingOutputFile_andAProfileThatNeedsASigner() throws Exception {
    Path existing = Files.writeString(dir.resolve("taken.pem"), "x");
    assertEquals(P11caCommand.USAGE, run("bootstrap", "--config", config.toString(), "--csr",
        csr("UID=x,O=Example").toString(), "--out", existing.toString()));
    assertTrue(err.toString().contains("refusing to overwrite"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(P11caCommand.CA_FAILURE, run("bootstrap", "--config", config.toString(), "--csr",
        csr("UID=y,O=Example").toString(), "--profile", "caFullCMCUserSignedCert", "--out",
        dir.resolve("y.pem").toString()));
    assertTrue(err.toString().startsWith("p11ca: profile caFullCMCUserSignedCert takes the subject from a CMC"
        + " signer"), err.toString());
  }

  @Test
  void auditVerify_namesTheFirstBadLine() throws Exception {
    assertEquals(0, run("bootstrap", "--config", config.toString(), "--csr", csr("UID=z,O=Example").toString(),
        "--out", dir.resolve("z.pem").toString()), err.toString());
    Path log = dir.resolve("data/audit/audit.log");
    List<String> lines = Files.readAllLines(log);
    lines.set(1, lines.get(1).replace("Outcome=Success", "Outcome=Failure"));
    Files.write(log, lines);
    assertEquals(1, run("audit-verify", "--log", log.toString(), "--public-key",
        dir.resolve("data/audit/audit-signing.pub.pem").toString()));
    assertTrue(err.toString().startsWith("p11ca: audit log " + log + " does not verify at line 2"), err.toString());
    assertEquals(1, err.toString().strip().lines().count());
  }


  /**
   * A log rotated into several files: audit-verify --config checks them all as one chain, a line per file, and says
   * when one in the middle is missing.
   */
  @Test
  void auditVerify_checksTheRotatedFilesAsOneChain_andNamesAMissingOne() throws Exception {
    Files.writeString(config, Files.readString(config) + "audit:\n  checkpointEveryRecords: 2\n"
        + "  rotateAfterBytes: 1\n");
    for (String uid : List.of("r1", "r2", "r3")) {
      assertEquals(0, run("bootstrap", "--config", config.toString(), "--csr",
          csr("UID=" + uid + ",O=Example").toString(), "--out", dir.resolve(uid + ".pem").toString()), err.toString());
    }
    Path log = dir.resolve("data/audit/audit.log");
    List<Path> rotated = org.p11ca.ca.audit.AuditLogFiles.rotated(log);
    assertTrue(rotated.size() >= 3, rotated.toString());

    out.getBuffer().setLength(0);
    assertEquals(0, run("audit-verify", "--config", config.toString()), err.toString());
    List<String> lines = out.toString().strip().lines().toList();
    assertEquals(rotated.size() + 1, lines.size(), out.toString());
    assertTrue(lines.stream().allMatch(l -> l.contains(" is intact: ")), out.toString());
    assertTrue(lines.get(lines.size() - 1).startsWith("p11ca: audit log " + log + " is intact")
        && lines.get(lines.size() - 1).contains(", continuing " + rotated.get(rotated.size() - 1).getFileName()),
        out.toString());

    // A crash between moving a full file away and starting the next: repair has nothing to do, the CA goes on.
    Path current = Files.move(log, dir.resolve("current-audit.log"));
    out.getBuffer().setLength(0);
    assertEquals(0, run("audit-repair", "--config", config.toString()), err.toString());
    assertTrue(out.toString().startsWith("p11ca: no audit log at " + log + ", nothing to set aside; the CA"
        + " continues the chain of " + rotated.get(rotated.size() - 1).getFileName()), out.toString());
    assertFalse(Files.exists(log), "audit-repair never creates a log");
    Files.move(current, log);

    Files.delete(rotated.get(1));
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertEquals(1, run("audit-verify", "--config", config.toString()));
    assertTrue(err.toString().startsWith("p11ca: the audit log's files do not form one chain: ")
        && err.toString().contains("the records between are missing"), err.toString());
    assertEquals(1, err.toString().strip().lines().count());
  }

  /**
   * A power cut during a write leaves the log ending in part of a line: audit-verify says so (not "tampered"), the CA
   * will not open on it, audit-repair sets the fragment aside and records that, and the CA opens again.
   */
  @Test
  void cutShortLastLine_isNamedByAuditVerify_andAuditRepairLetsTheCaOpenAgain() throws Exception {
    assertEquals(0, run("bootstrap", "--config", config.toString(), "--csr", csr("UID=z,O=Example").toString(),
        "--out", dir.resolve("z.pem").toString()), err.toString());
    Path log = dir.resolve("data/audit/audit.log");
    byte[] whole = Files.readAllBytes(log);
    int lines = (int) Files.readAllLines(log).size();
    Files.write(log, java.util.Arrays.copyOf(whole, whole.length - 7));

    assertEquals(1, run("audit-verify", "--config", config.toString()));
    assertTrue(err.toString().startsWith("p11ca: audit log " + log + " ends in line " + lines + " cut short (")
        && err.toString().contains("p11ca audit-repair"), err.toString());
    assertEquals(1, err.toString().strip().lines().count());
    err.getBuffer().setLength(0);
    assertEquals(P11caCommand.CA_FAILURE, run("bootstrap", "--config", config.toString(), "--csr",
        csr("UID=w,O=Example").toString(), "--out", dir.resolve("w.pem").toString()));
    assertTrue(err.toString().contains("cut short") && err.toString().contains("p11ca audit-repair"),
        err.toString());
    assertFalse(Files.exists(dir.resolve("w.pem")));

    err.getBuffer().setLength(0);
    out.getBuffer().setLength(0);
    assertEquals(0, run("audit-repair", "--config", config.toString(), "--operator", "alice"), err.toString());
    assertTrue(out.toString().startsWith("p11ca: set aside line " + lines + " of " + log), out.toString());
    try (var aside = Files.list(log.getParent())) {
      Path fragment = aside.filter(p -> p.getFileName().toString().startsWith("audit.log.cut-short-line-" + lines))
          .findFirst().orElseThrow(() -> new AssertionError("no fragment file beside " + log));
      int cutAt = whole.length - 2;
      while (whole[cutAt - 1] != '\n') {
        cutAt--;
      }
      assertArrayEquals(java.util.Arrays.copyOfRange(whole, cutAt, whole.length - 7), Files.readAllBytes(fragment));
    }
    assertTrue(Files.readString(log).contains("[AuditEvent=AUDIT_LOG_CUT_SHORT_LINE_SET_ASIDE][SubjectID=alice]"
        + "[Outcome=Success][Line=" + lines + "]"));
    out.getBuffer().setLength(0);
    assertEquals(0, run("audit-verify", "--config", config.toString()), err.toString());
    assertTrue(out.toString().contains("is intact") && !out.toString().contains("warning"), out.toString());
    assertEquals(0, run("bootstrap", "--config", config.toString(), "--csr", csr("UID=w,O=Example").toString(),
        "--out", dir.resolve("w.pem").toString()), err.toString());

    out.getBuffer().setLength(0);
    assertEquals(0, run("audit-repair", "--config", config.toString()), err.toString());
    assertTrue(out.toString().contains("ends in a whole line; nothing to set aside"), out.toString());

    Files.move(log, log.resolveSibling("audit.log.moved"));
    err.getBuffer().setLength(0);
    assertEquals(P11caCommand.USAGE, run("audit-repair", "--config", config.toString()));
    assertTrue(err.toString().startsWith("p11ca: no audit log at " + log), err.toString());
    assertFalse(Files.exists(log), "audit-repair never creates a log");
  }
}
