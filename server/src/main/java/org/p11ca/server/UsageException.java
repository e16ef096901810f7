package org.p11ca.server;

/**
 * The command line, or a file it names, asks for something p11ca cannot do; the message says what to change.
 * Reported as a usage error (exit 2), like a {@link org.p11ca.server.config.ConfigException}, unlike an
 * IllegalArgumentException from a library or a broken invariant of ours, which is reported as unexpected.
 */
final class UsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
