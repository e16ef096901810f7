package org.p11ca.tokens;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.PinSource;
import picocli.CommandLine.Option;

/**
 * Where a PIN comes from: a file (its first line) or an environment variable, else a terminal prompt. Never a
 * command-line value (see {@link TokenTool#refusePinOnCommandLine}). Each group is an optional, exclusive pair.
 */
final class PinOptions {
  private PinOptions() {
  }

  /** A PIN given by file or environment variable. */
  interface Given {
    Path file();

    String variable();

    default PinSource source() {
      return file() != null ? PinSource.file(file()) : PinSource.environment(variable());
    }
  }

  /** The user PIN that logs in (init-token: the one it sets). */
  static final class UserPin implements Given {
    @Option(names = "--pin-file", paramLabel = "<file>", required = true,
        description = "file whose first line is the user PIN")
    Path file;

    @Option(names = "--pin-env", paramLabel = "<VAR>", required = true,
        description = "environment variable holding the user PIN")
    String variable;

    @Override
    public Path file() {
      return file;
    }

    @Override
    public String variable() {
      return variable;
    }
  }

  /** The security officer PIN that init-token sets. */
  static final class SoPin implements Given {
    @Option(names = "--so-pin-file", paramLabel = "<file>", required = true,
        description = "file whose first line is the security officer PIN")
    Path file;

    @Option(names = "--so-pin-env", paramLabel = "<VAR>", required = true,
        description = "environment variable holding the security officer PIN")
    String variable;

    @Override
    public Path file() {
      return file;
    }

    @Override
    public String variable() {
      return variable;
    }
  }

  /** The user PIN change-pin sets. */
  static final class NewUserPin implements Given {
    @Option(names = "--new-pin-file", paramLabel = "<file>", required = true,
        description = "file whose first line is the new user PIN")
    Path file;

    @Option(names = "--new-pin-env", paramLabel = "<VAR>", required = true,
        description = "environment variable holding the new user PIN")
    String variable;

    @Override
    public Path file() {
      return file;
    }

    @Override
    public String variable() {
      return variable;
    }
  }

  /**
   * A PIN to log in with. A prompted one is read once and held, so one run never asks twice (the login, then
   * C_SetPIN's old PIN).
   */
  static PinSource existing(Given given, String prompt) {
    if (given != null) {
      return given.source();
    }
    char[] pin = PinSource.prompt(prompt).read();
    try {
      return PinSource.ofValue(pin);
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  /**
   * A PIN to set. Prompted, it is typed twice: a typo would otherwise lock the operator out of a token nobody else
   * can open.
   */
  static PinSource toSet(Given given, String prompt) {
    if (given != null) {
      return given.source();
    }
    char[] first = PinSource.prompt(prompt).read();
    char[] second = PinSource.prompt("Repeat " + prompt.toLowerCase(Locale.ROOT)).read();
    try {
      if (!Arrays.equals(first, second)) {
        throw new HsmException(HsmException.Reason.PIN_UNAVAILABLE, "the two PINs entered differ");
      }
      return PinSource.ofValue(first);
    } finally {
      Arrays.fill(first, '\0');
      Arrays.fill(second, '\0');
    }
  }
}
