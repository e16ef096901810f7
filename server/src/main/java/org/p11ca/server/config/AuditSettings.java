package org.p11ca.server.config;

import java.nio.file.Path;
import java.util.Objects;
import org.p11ca.ca.audit.CheckpointPolicy;

/** Where the audit log goes and how often its chain head is signed on the token. */
public record AuditSettings(Path file, CheckpointPolicy checkpoints) {

  /** Relative to the data directory. */
  public static final Path DEFAULT_FILE = Path.of("audit", "audit.log");

  public AuditSettings {
    Objects.requireNonNull(file);
    Objects.requireNonNull(checkpoints);
  }
}
