package org.p11ca.hsm.pkcs11;

import static org.p11ca.hsm.pkcs11.Pkcs11Constants.*;

import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.HsmException.Reason;

/** Turns CKR_ codes into typed errors with context, and says which ones a fresh session can cure. */
final class ErrorMapping {
  private ErrorMapping() {
  }

  /** The session itself is gone: open another and retry. */
  static boolean sessionLost(long code) {
    return code == CKR_SESSION_HANDLE_INVALID || code == CKR_SESSION_CLOSED;
  }

  /** The whole token was reset: every session and cached object handle is void. */
  static boolean deviceReset(long code) {
    return code == CKR_DEVICE_REMOVED || code == CKR_DEVICE_ERROR || code == CKR_TOKEN_NOT_PRESENT;
  }

  static boolean loginLost(long code) {
    return code == CKR_USER_NOT_LOGGED_IN;
  }

  static boolean staleObjectHandle(long code) {
    return code == CKR_OBJECT_HANDLE_INVALID || code == CKR_KEY_HANDLE_INVALID
        || code == CKR_WRAPPING_KEY_HANDLE_INVALID || code == CKR_UNWRAPPING_KEY_HANDLE_INVALID;
  }

  /** Errors caused by the caller's data rather than the token; the session stays usable. */
  static boolean inputError(long code) {
    return code == CKR_DATA_INVALID || code == CKR_DATA_LEN_RANGE || code == CKR_ENCRYPTED_DATA_INVALID
        || code == CKR_ENCRYPTED_DATA_LEN_RANGE || code == CKR_WRAPPED_KEY_INVALID
        || code == CKR_WRAPPED_KEY_LEN_RANGE || code == CKR_KEY_TYPE_INCONSISTENT
        || code == CKR_KEY_FUNCTION_NOT_PERMITTED || code == CKR_KEY_NOT_WRAPPABLE
        || code == CKR_KEY_UNEXTRACTABLE || code == CKR_TEMPLATE_INCONSISTENT || code == CKR_TEMPLATE_INCOMPLETE
        || code == CKR_ATTRIBUTE_VALUE_INVALID || code == CKR_KEY_SIZE_RANGE
        || code == CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT || code == CKR_WRAPPING_KEY_TYPE_INCONSISTENT;
  }

  /**
   * The token refused the request cleanly (bad data, unsupported mechanism, bad template): no operation is left
   * active, so the session may be reused.
   */
  static boolean sessionStillUsable(long code) {
    return inputError(code) || code == CKR_MECHANISM_INVALID || code == CKR_MECHANISM_PARAM_INVALID
        || code == CKR_ARGUMENTS_BAD || code == CKR_FUNCTION_NOT_SUPPORTED || code == CKR_ATTRIBUTE_TYPE_INVALID
        || code == CKR_ATTRIBUTE_READ_ONLY || code == CKR_ATTRIBUTE_SENSITIVE || code == CKR_PIN_INCORRECT
        || code == CKR_PIN_INVALID || code == CKR_PIN_LEN_RANGE || code == CKR_PIN_LOCKED
        || code == CKR_USER_ALREADY_LOGGED_IN;
  }

  static HsmException toHsm(Pkcs11Error e, String what, String tokenName) {
    long c = e.code();
    String msg = what + " on token '" + tokenName + "' failed: " + e.codeName();
    Reason reason;
    if (c == CKR_PIN_INCORRECT || c == CKR_PIN_INVALID || c == CKR_PIN_LEN_RANGE) {
      reason = Reason.PIN_INCORRECT;
      msg = "wrong PIN for token '" + tokenName + "' (" + e.codeName() + ")";
    } else if (c == CKR_PIN_LOCKED || c == CKR_PIN_EXPIRED) {
      reason = Reason.PIN_LOCKED;
      msg = "the PIN of token '" + tokenName + "' is locked or expired (" + e.codeName() + ")";
    } else if (c == CKR_USER_PIN_NOT_INITIALIZED) {
      reason = Reason.TOKEN_NOT_INITIALIZED;
      msg = "token '" + tokenName + "' has no user PIN yet (" + e.codeName() + ")";
    } else if (c == CKR_MECHANISM_INVALID || c == CKR_MECHANISM_PARAM_INVALID
        || c == CKR_FUNCTION_NOT_SUPPORTED) {
      reason = Reason.MECHANISM_UNSUPPORTED;
    } else if (staleObjectHandle(c)) {
      reason = Reason.KEY_NOT_FOUND;
    } else if (inputError(c)) {
      reason = Reason.INVALID_INPUT;
    } else if (c == CKR_SLOT_ID_INVALID) {
      reason = Reason.SLOT_NOT_FOUND;
    } else if (deviceReset(c) || c == CKR_DEVICE_MEMORY || c == CKR_GENERAL_ERROR) {
      reason = Reason.DEVICE_ERROR;
    } else {
      reason = Reason.OPERATION_FAILED;
    }
    return new HsmException(reason, msg, e);
  }
}
