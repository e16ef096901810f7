package org.p11ca.hsm;

import java.util.Objects;

/**
 * The one error type of the token layer. {@link #reason()} says what went wrong in terms an operator can act on;
 * the message is a single line naming the token, key or mechanism involved. PINs never appear in it.
 */
public final class HsmException extends RuntimeException {

  /** Coarse kinds, stable enough for callers to branch on and for CLIs to map to exit codes. */
  public enum Reason {
    LIBRARY_NOT_FOUND,
    LIBRARY_LOAD_FAILED,
    SLOT_NOT_FOUND,
    TOKEN_NOT_FOUND,
    TOKEN_NOT_INITIALIZED,
    PIN_INCORRECT,
    PIN_LOCKED,
    PIN_UNAVAILABLE,
    KEY_NOT_FOUND,
    OBJECT_EXISTS,
    MECHANISM_UNSUPPORTED,
    UNSUPPORTED_BY_BACKEND,
    SESSION_POOL_TIMEOUT,
    INVALID_INPUT,
    DEVICE_ERROR,
    OPERATION_FAILED,
    CLOSED
  }

  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public HsmException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason);
  }

  public HsmException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason);
  }

  public Reason reason() {
    return reason;
  }
}
