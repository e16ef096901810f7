package org.p11ca.client;

/**
 * The command line or a Dogtag-style .cfg file asks for something p11ca-cmc cannot do; the message says what to
 * change. Reported as a usage error (exit 2), unlike an IllegalArgumentException from a library, which means an
 * input nobody planned for and is reported as unexpected. It extends IllegalArgumentException so the option
 * converters can hand it to picocli like any parse failure.
 */
final class UsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
