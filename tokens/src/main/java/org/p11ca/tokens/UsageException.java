package org.p11ca.tokens;

/**
 * The command line, or a file it names, asks for something p11ca-token cannot do; the message says what to change.
 * Reported as a usage error (exit 2), unlike an IllegalArgumentException from a library or a broken invariant of
 * ours, which is reported as unexpected. It extends IllegalArgumentException so the option converters hand it to
 * picocli like any parse failure.
 */
final class UsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
