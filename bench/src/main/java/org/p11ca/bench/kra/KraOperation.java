package org.p11ca.bench.kra;

import org.p11ca.bench.measure.Operation;

/**
 * One operation of `bench kra` to measure, with a check that runs it before timing and proves its result right, so
 * no figure is the speed of a broken operation. The check throws {@link WrongResult} or the operation's own error.
 *
 * @param name the {@code op=} of the output
 * @param description what one timed operation does, for the legend lines
 */
record KraOperation(String name, String description, Runnable check, Operation timed) {

  /** The operation ran but its result is wrong. */
  static final class WrongResult extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrongResult(String message) {
      super(message);
    }
  }
}
