package org.p11ca.bench.hsm;

import org.p11ca.bench.measure.Operation;

/**
 * One token operation to measure, with a check that runs it once and proves the result right (a signature that the
 * JDK verifies, a decryption that gives back the plaintext), so that no figure is ever the speed of a broken
 * operation. The check throws {@link WrongResult} or the token's own exception.
 */
record HsmOperation(String name, Runnable check, Operation timed) {

  /** The operation ran but its result is wrong. */
  static final class WrongResult extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrongResult(String message) {
      super(message);
    }
  }
}
