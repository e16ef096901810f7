package org.p11ca.bench.cmc;

import org.p11ca.bench.CaKeyType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.AuditSigner;
import org.p11ca.ca.audit.CheckpointPolicy;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.JdbcAgentStore;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.ca.repository.JdbcRequestStore;
import org.p11ca.ca.service.CaSigner;
import org.p11ca.ca.service.CmcService;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.Token;
import org.p11ca.server.config.AuditSettings;
import org.p11ca.server.config.KeyLabels;

/**
 * The CA facade composed in this process as the server's composition root (CaInstance) composes it for CMC
 * enrollment, on the files the server uses (dataDir/ca.sqlite, dataDir/audit/audit.log): for the operator bootstrap
 * before the server starts, and for {@code --transport in-process}, where it is the CA under load. Closing signs the
 * audit log's final checkpoint, so the server can verify and continue it.
 */
final class ComposedCa implements AutoCloseable {

  private final CaDatabase database;
  private final AuditLog audit;
  private final CmcService service;

  ComposedCa(Token token, KeyHandle caKey, CaKeyType type, X509CertificateHolder caCert, Path dataDir,
      Profiles profiles, Clock clock) {
    KeyHandle auditKey = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label(KeyLabels.DEFAULT_AUDIT));
    this.database = CaDatabase.openSqlite(dataDir);
    this.audit = AuditLog.open(dataDir.resolve(AuditSettings.DEFAULT_FILE), AuditSigner.of(token, auditKey),
        CheckpointPolicy.defaults(), clock);
    this.service = new CmcService(new CaSigner(token, caKey, type.algorithm(), List.of(caCert)),
        profiles, new JdbcCertificateStore(database, clock),
        new JdbcRequestStore(database, clock), new JdbcAgentStore(database, clock), audit, clock);
  }

  CmcService service() {
    return service;
  }

  @Override
  public void close() {
    try {
      audit.close();
    } finally {
      database.close();
    }
  }
}
