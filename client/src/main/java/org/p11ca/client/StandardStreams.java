package org.p11ca.client;

import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stdout carries results and stderr one line per failure, so library logging (the hsm layer's retries, the PKCS#11
 * wrapper's traces) is off in the p11ca-cmc process. With {@value #DEBUG_VARIABLE} set it goes to stderr, with the
 * full cause of a failure.
 */
record StandardStreams(PrintWriter results, PrintWriter diagnostics) {

  static final String DEBUG_VARIABLE = "P11CA_CMC_DEBUG";

  /** Sets up logging for the tool and wraps stdout and stderr; call once, from main. */
  static StandardStreams claim() {
    boolean debug = System.getenv(DEBUG_VARIABLE) != null;
    Logger root = Logger.getLogger("");
    root.setLevel(debug ? Level.ALL : Level.OFF);
    for (Handler handler : root.getHandlers()) {
      handler.setLevel(Level.ALL);
    }
    return new StandardStreams(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
  }
}
