package org.p11ca.ca.audit;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import org.p11ca.hsm.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the audit log's test classes share: the audit key on a SoftHSM2 token of the class's own, a log path in a
 * fresh directory per test, and a clock the test moves.
 */
abstract class AuditLogFixture {

  private static AuditKeyOnToken auditKey;
  static AuditSigner signer;
  static PublicKey auditPublicKey;

  @TempDir
  Path dir;

  Path log;
  MutableClock clock;

  @BeforeAll
  static void auditKeyOnToken() {
    auditKey = AuditKeyOnToken.create("audit");
    signer = auditKey.signer();
    auditPublicKey = auditKey.publicKey();
  }

  @AfterAll
  static void closeToken() {
    if (auditKey != null) {
      auditKey.close();
      auditKey = null;
    }
  }

  @BeforeEach
  void logInAFreshDirectory() {
    log = dir.resolve("audit").resolve("ca-audit.log");
    clock = new MutableClock(Instant.parse("2026-01-15T10:00:00Z"));
  }

  static AuditEvent event(int i) {
    return AuditKeyOnToken.event(i);
  }
}
