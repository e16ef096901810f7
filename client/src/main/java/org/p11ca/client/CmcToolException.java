package org.p11ca.client;

/**
 * A failure the user can act on that is not a usage mistake: a file that cannot be read or written, a wrong
 * password, a server that said no. Its message is the whole one-line report and never holds a secret.
 */
final class CmcToolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CmcToolException(String message) {
    super(message);
  }

  CmcToolException(String message, Throwable cause) {
    super(message, cause);
  }
}
