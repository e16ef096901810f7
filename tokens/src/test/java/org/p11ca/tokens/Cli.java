package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;

/** Runs p11ca-token in this JVM, as main does, capturing stdout and stderr. */
final class Cli {
  private Cli() {
  }

  record Result(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }

    /** Fails with the captured streams unless the command succeeded. */
    Result requireSuccess() {
      assertEquals(0, exitCode, () -> "exit " + exitCode + "\nstdout: " + out + "\nstderr: " + err);
      return this;
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = TokenTool.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /**
   * The failure contract: a non-zero exit, nothing but one "p11ca-token: " line on stderr, naming the problem
   * (each fragment, case-insensitively), with no stack trace.
   */
  static void assertOneLineFailure(Result result, int exitCode, String... fragments) {
    assertNotEquals(0, result.exitCode(), () -> "should fail: " + result);
    assertEquals(exitCode, result.exitCode(), () -> "exit code of " + result);
    assertEquals(1, result.errLines().size(), () -> "exactly one line on stderr: " + result.err());
    String line = result.errLines().get(0);
    assertTrue(line.startsWith("p11ca-token: "), line);
    for (String fragment : fragments) {
      assertTrue(line.toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT)),
          () -> "'" + fragment + "' in: " + line);
    }
    assertFalse(line.contains("\tat ") || line.contains("Exception in thread") || line.contains("Caused by"), line);
  }
}
