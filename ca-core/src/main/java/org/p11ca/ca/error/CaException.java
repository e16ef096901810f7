package org.p11ca.ca.error;

import java.util.Objects;

/**
 * The CA core's one error type: a CMC fail reason plus a detail a person can act on. The server maps it to a signed
 * CMC failure response (failInfo and statusString) or an HTTP 4xx; the detail never holds a secret.
 */
public final class CaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final FailInfo failInfo;

  public CaException(FailInfo failInfo, String detail) {
    super(detail);
    this.failInfo = Objects.requireNonNull(failInfo);
  }

  public CaException(FailInfo failInfo, String detail, Throwable cause) {
    super(detail, cause);
    this.failInfo = Objects.requireNonNull(failInfo);
  }

  public FailInfo failInfo() {
    return failInfo;
  }

  /** The statusString of the failure response. */
  public String detail() {
    return getMessage();
  }
}
