package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Runs p11ca-cmc in this JVM, as main does, capturing stdout and stderr. */
final class Cli {
  private Cli() {
  }

  record Result(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }

    Result requireSuccess() {
      assertEquals(0, exitCode, () -> "exit " + exitCode + "\nstdout: " + out + "\nstderr: " + err);
      return this;
    }
  }

  static Result run(String... args) {
    return runIn(Path.of("").toAbsolutePath(), args);
  }

  /** With relative paths (and a Dogtag cfg's) resolved against {@code workingDirectory}. */
  static Result runIn(Path workingDirectory, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = CmcTool.run(workingDirectory, new PrintWriter(out), new PrintWriter(err), args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /**
   * The failure contract: the exit code, nothing but one "p11ca-cmc: " line on stderr naming the problem (each
   * fragment, case-insensitively), and no stack trace.
   */
  static String assertOneLineFailure(Result result, int exitCode, String... fragments) {
    assertNotEquals(0, result.exitCode(), () -> "should fail: " + result);
    assertEquals(exitCode, result.exitCode(), () -> "exit code of " + result);
    assertEquals(1, result.errLines().size(), () -> "exactly one line on stderr: " + result.err());
    String line = result.errLines().get(0);
    assertTrue(line.startsWith("p11ca-cmc: "), line);
    for (String fragment : fragments) {
      assertTrue(line.toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT)),
          () -> "'" + fragment + "' in: " + line);
    }
    assertFalse(line.contains("\tat ") || line.contains("Exception in thread") || line.contains("Caused by"), line);
    return line;
  }
}
