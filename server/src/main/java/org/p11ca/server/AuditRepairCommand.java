package org.p11ca.server;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.AuditLogFiles;
import org.p11ca.ca.audit.AuditSigner;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.Token;
import org.p11ca.server.config.ServerConfig;
import org.p11ca.server.config.ServerConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code p11ca audit-repair}: after a crash or power cut during a write, the audit log can end in an unfinished
 * line, and the CA refuses to start on it. This sets that fragment aside in a file of its own beside the log, cuts
 * the log back to its last whole line and records that it did so (who, which line, the fragment's size and
 * SHA-256, where it went) under a checkpoint signed with the audit key, so the CA can start again and an auditor
 * sees the repair. Any other break (an edited, missing or reordered line, a bad signature) is refused: that is
 * evidence for a person, not something to clear. Runs with the server stopped: the log has one writer.
 */
@Command(name = "audit-repair", mixinStandardHelpOptions = true,
    description = "Sets aside an unfinished last line a crash left in the audit log, audited, so the CA can start."
        + " Refuses any other break. Run it while the server is stopped.")
final class AuditRepairCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "<file.yaml>", description = "the server's YAML config")
  java.nio.file.Path config;

  @Option(names = "--operator", paramLabel = "<name>", description = "who repairs, for the audit log (default:"
      + " operator:<login name>)")
  Optional<String> operator;

  @Override
  public Integer call() {
    ServerConfig settings = ServerConfigLoader.load(config);
    if (!Files.isRegularFile(settings.audit().file())) {
      List<Path> rotated = AuditLogFiles.rotated(settings.audit().file());
      if (rotated.isEmpty()) {
        throw new UsageException("no audit log at " + settings.audit().file());
      }
      // What a crash between moving a full file away and starting the next leaves: nothing is cut short.
      spec.commandLine().getOut().println("p11ca: no audit log at " + settings.audit().file() + ", nothing to set"
          + " aside; the CA continues the chain of " + rotated.get(rotated.size() - 1).getFileName()
          + " when it starts");
      spec.commandLine().getOut().flush();
      return 0;
    }
    String who = operator.orElse("operator:" + System.getProperty("user.name"));
    PrintWriter out = spec.commandLine().getOut();
    try (Token token = CaCore.openToken(settings.token())) {
      KeyHandle auditKey = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label(settings.keys().audit()));
      AuditLog.Opened opened = AuditLog.openSettingAsideCutShortLine(settings.audit().file(),
          AuditSigner.of(token, auditKey), settings.audit().checkpoints(), Clock.systemUTC(), who);
      try (AuditLog log = opened.log()) {
        out.println(opened.setAside().map(s -> "p11ca: set aside line " + s.lineNumber() + " of "
            + settings.audit().file() + ", cut short by a crash (" + s.bytes() + " bytes, SHA-256 " + s.sha256()
            + "), in " + s.file() + "; the log verifies and goes on from line " + s.lineNumber() + ", which records"
            + " this").orElse("p11ca: audit log " + settings.audit().file() + " ends in a whole line; nothing to set"
            + " aside"));
      }
    }
    out.flush();
    return 0;
  }
}
