package org.p11ca.ca.profile;

/**
 * A profile file that cannot be used, with one line naming the file, the field and the rule it breaks, e.g.
 * {@code caFullCMCUserSignedCert.yaml: validity 'P0D' must be positive}. Thrown at start-up, so the CA never runs
 * with a profile it half understood.
 */
public final class InvalidProfileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;

  InvalidProfileException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
  }

  InvalidProfileException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
  }

  /** The file (or resource) name the profile came from. */
  public String source() {
    return source;
  }
}
