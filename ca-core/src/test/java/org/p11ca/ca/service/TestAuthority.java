package org.p11ca.ca.service;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.AuditSigner;
import org.p11ca.ca.audit.CheckpointPolicy;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.repository.AgentRole;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.CertificateId;
import org.p11ca.ca.repository.JdbcAgentStore;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.ca.repository.JdbcRequestStore;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * A whole CA for facade tests: CA and audit keys on a fresh SoftHSM token, a self-signed CA certificate signed
 * there, the SQLite repository and the audit log in a temporary directory, the default profiles, and a clock that
 * tests can move.
 */
public final class TestAuthority implements AutoCloseable {

  public static final X500Name CA_NAME = new X500Name("CN=p11ca Facade Test CA,O=Example");
  public static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  public final Token token;
  public final KeyHandle caKey;
  public final KeyHandle auditKey;
  public final X509CertificateHolder caCert;
  public final Path dir;
  public final CaDatabase db;
  public final JdbcCertificateStore certificates;
  public final JdbcRequestStore requests;
  public final JdbcAgentStore agents;
  public final AuditLog audit;
  public final CaSigner signer;

  public TestAuthority(String purpose, Path dir) {
    SoftHsm.TestToken t = SoftHsm.createToken(purpose);
    this.token = Pkcs11Library.open(t.config(Backend.IAIK));
    this.caKey = token.generateKeyPair(new KeyPairSpec.Rsa(2048),
        KeyAttributes.persistent("ca-signing", org.p11ca.hsm.KeyUsage.SIGN));
    this.auditKey = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
        KeyAttributes.persistent("audit-signing", org.p11ca.hsm.KeyUsage.SIGN));
    this.caCert = selfSigned();
    this.dir = dir;
    this.db = CaDatabase.openSqlite(dir);
    Clock fixed = Clock.fixed(NOW, ZoneOffset.UTC);
    this.certificates = new JdbcCertificateStore(db, fixed);
    this.requests = new JdbcRequestStore(db, fixed);
    this.agents = new JdbcAgentStore(db, fixed);
    this.audit = AuditLog.open(auditFile(), AuditSigner.of(token, auditKey),
        new CheckpointPolicy(50, java.time.Duration.ofHours(1), false), fixed);
    this.signer = new CaSigner(token, caKey, SignatureAlgorithm.RSA_PKCS1_SHA256, List.of(caCert));
  }

  public Path auditFile() {
    return dir.resolve("audit.log");
  }

  CmcService service(Clock clock) {
    return new CmcService(signer, ProfileLoader.loadDefaults(), certificates, requests, agents, audit, clock);
  }

  public CmcService service() {
    return service(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  void makeAgent(X509CertificateHolder cert, String name) {
    try {
      agents.grant(CertificateId.of(new X500Principal(caCert.getSubject().getEncoded()), cert.getSerialNumber()),
          name, Set.of(AgentRole.CA_AGENT));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The AuditEvent names written since line {@code fromLine} (checkpoints left out). */
  public List<String> eventsSince(int fromLine) throws IOException {
    Pattern p = Pattern.compile("\\[AuditEvent=([A-Z_]+)\\]");
    List<String> lines = Files.readAllLines(auditFile());
    return lines.subList(Math.min(fromLine, lines.size()), lines.size()).stream().map(p::matcher)
        .filter(Matcher::find).map(m -> m.group(1)).filter(e -> !e.equals("AUDIT_LOG_CHECKPOINT")).toList();
  }

  public int auditLines() throws IOException {
    return Files.exists(auditFile()) ? Files.readAllLines(auditFile()).size() : 0;
  }

  public String auditText() throws IOException {
    return Files.readString(auditFile());
  }

  static X509Certificate jca(X509CertificateHolder cert) {
    try {
      return new JcaX509CertificateConverter().getCertificate(cert);
    } catch (CertificateException e) {
      throw new AssertionError(e);
    }
  }

  private X509CertificateHolder selfSigned() {
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(token.publicKey(caKey).getEncoded());
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(CA_NAME, BigInteger.valueOf(7),
        Date.from(NOW.minusSeconds(86_400)), Date.from(NOW.plusSeconds(3L * 365 * 86_400)), CA_NAME, spki);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          new SubjectKeyIdentifier(HashAlgorithm.SHA1.digest(spki.getPublicKeyData().getBytes())));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return b.build(new TokenContentSigner(token, caKey, SignatureAlgorithm.RSA_PKCS1_SHA256));
  }

  @Override
  public void close() {
    audit.close();
    db.close();
    token.close();
  }
}
