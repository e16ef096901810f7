package org.p11ca.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps what libraries print to System.out out of the results. The IAIK wrapper (ipkcs11wrapper 1.0.9) prints an
 * "[INFO] C_OpenSession ..." line to stdout for every session it opens, hundreds of them while opening Tokens is
 * measured. Its INFO lines are dropped; anything else a library prints goes to stderr; the results keep the real
 * stdout to themselves, so `grep '^hsm '` and `grep '^ratio '` see nothing else.
 */
public final class LibraryConsole {

  private LibraryConsole() {
  }

  /** Redirects System.out as described and returns the real stdout, for results only. */
  public static PrintStream takeOverStandardOut() {
    PrintStream results = System.out;
    System.setOut(new PrintStream(new InfoLineFilter(System.err), true, StandardCharsets.UTF_8));
    return results;
  }

  private static final class InfoLineFilter extends OutputStream {
    private static final byte[] INFO = "[INFO] ".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    InfoLineFilter(OutputStream target) {
      this.target = target;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      line.write(b);
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        line.reset();
        if (!startsWithInfo(bytes)) {
          target.write(bytes);
          target.flush();
        }
      }
    }

    @Override
    public synchronized void flush() throws IOException {
      // A partial line waits for its end: whether to drop it is decided by its start, already seen.
      target.flush();
    }

    private static boolean startsWithInfo(byte[] bytes) {
      if (bytes.length < INFO.length) {
        return false;
      }
      for (int i = 0; i < INFO.length; i++) {
        if (bytes[i] != INFO[i]) {
          return false;
        }
      }
      return true;
    }
  }
}
