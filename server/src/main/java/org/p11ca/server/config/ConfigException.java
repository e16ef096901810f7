package org.p11ca.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A configuration the server refuses to start with: which file, which field (a dotted path such as
 * {@code http.port}) and why, in one line an operator can act on.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String field;
  private final String reason;

  public ConfigException(Path file, String field, String reason) {
    this(file, field, oneLine(reason), true);
  }

  private ConfigException(Path file, String field, String reason, boolean normalized) {
    super(file + ": " + (field.isEmpty() ? "" : field + ": ") + reason);
    this.file = Objects.requireNonNull(file);
    this.field = Objects.requireNonNull(field);
    this.reason = reason;
  }

  /** Parser messages span lines (with a caret under the column); the contract is one line per failure. */
  private static String oneLine(String reason) {
    return Objects.requireNonNull(reason).strip().replaceAll("\\s*\\R\\s*", " ");
  }

  public Path file() {
    return file;
  }

  /** The dotted path of the offending field; empty when the file as a whole is at fault. */
  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
