package org.p11ca.hsm;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a PIN comes from. Never a command-line argument: a file, an environment variable, or an interactive prompt.
 * Each {@link #read()} returns a fresh array the caller should clear after use.
 */
public sealed interface PinSource {

  char[] read();

  /** A short description for error messages; names the place, never the value. */
  String describe();

  static PinSource file(Path path) {
    return new FromFile(path);
  }

  static PinSource environment(String variable) {
    return new FromEnvironment(variable);
  }

  static PinSource prompt(String prompt) {
    return new FromConsole(prompt);
  }

  /** For tests and for PINs a program generated itself; the value is copied. */
  static PinSource ofValue(char[] pin) {
    return new InMemory(pin.clone());
  }

  /** The first line of the file, without its line ending. */
  record FromFile(Path path) implements PinSource {
    @Override
    public char[] read() {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(path);
      } catch (IOException e) {
        throw new HsmException(HsmException.Reason.PIN_UNAVAILABLE,
            "cannot read PIN file " + path + ": " + e.getClass().getSimpleName());
      }
      try {
        int end = 0;
        while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
          end++;
        }
        if (end == 0) {
          throw new HsmException(HsmException.Reason.PIN_UNAVAILABLE, "PIN file " + path + " is empty");
        }
        var chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes, 0, end));
        char[] pin = new char[chars.remaining()];
        chars.get(pin);
        Arrays.fill(chars.array(), '\0');
        return pin;
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    }

    @Override
    public String describe() {
      return "file " + path;
    }
  }

  record FromEnvironment(String variable) implements PinSource {
    @Override
    public char[] read() {
      String value = System.getenv(variable);
      if (value == null || value.isEmpty()) {
        throw new HsmException(HsmException.Reason.PIN_UNAVAILABLE,
            "environment variable " + variable + " is not set");
      }
      return value.toCharArray();
    }

    @Override
    public String describe() {
      return "environment variable " + variable;
    }
  }

  record FromConsole(String prompt) implements PinSource {
    @Override
    public char[] read() {
      Console console = System.console();
      if (console == null) {
        throw new HsmException(HsmException.Reason.PIN_UNAVAILABLE,
            "no terminal to prompt for the PIN: give a PIN file or environment variable");
      }
      char[] pin = console.readPassword("%s", prompt);
      if (pin == null || pin.length == 0) {
        throw new HsmException(HsmException.Reason.PIN_UNAVAILABLE, "no PIN entered");
      }
      return pin;
    }

    @Override
    public String describe() {
      return "terminal prompt";
    }
  }

  /** Holds a copy of a PIN; {@link #toString()} does not show it. */
  final class InMemory implements PinSource {
    private final char[] pin;

    private InMemory(char[] pin) {
      this.pin = pin;
    }

    @Override
    public char[] read() {
      return pin.clone();
    }

    @Override
    public String describe() {
      return "value held in memory";
    }

    @Override
    public String toString() {
      return "PinSource(in memory)";
    }
  }
}
