package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every failure is one line on stderr, "p11ca-token: <reason>", with exit 1 (token), 2 (usage) or 3 (bug). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorReportingTest {

  Path dir;
  CliToken token;

  @BeforeAll
  void createToken(@TempDir Path dir) {
    this.dir = dir;
    token = CliToken.create(dir, "errors");
  }

  @Test
  void wrongPin_failsWithOneLineNamingTheToken() {
    // Login is per process and token: a token this JVM has logged into accepts any PIN, so use a fresh one.
    CliToken fresh = CliToken.create(dir, "wrong-pin");
    Path wrong = CliToken.pinFile(dir, "wrong.pin");
    Cli.Result result = Cli.run("login-check", "--library", CliToken.library(), "--token", fresh.label(),
        "--pin-file", wrong.toString());
    Cli.assertOneLineFailure(result, 1, "wrong PIN", "'" + fresh.label() + "'");
    assertFalse(result.err().contains(CliToken.pinFileContent(wrong)), "the PIN is never printed");
    assertEquals("", result.out());
  }

  @Test
  void missingLibrary_failsNamingIt() {
    Cli.assertOneLineFailure(Cli.run("login-check", "--library", "/nonexistent/libpkcs11.so", "--token", "t",
        "--pin-file", token.userPinFile().toString()), 1, "PKCS#11 library /nonexistent/libpkcs11.so not found");
  }

  @Test
  void unknownSlotId_failsNamingIt() {
    Cli.assertOneLineFailure(Cli.run("login-check", "--library", CliToken.library(), "--slot", "987654",
        "--pin-file", token.userPinFile().toString()), 1, "no slot with id 987654");
  }

  @Test
  void unknownTokenLabel_failsNamingIt() {
    Cli.assertOneLineFailure(Cli.run("list", "--library", CliToken.library(), "--token", "no-such-token",
        "--pin-file", token.userPinFile().toString()), 1, "no token labelled 'no-such-token'");
  }

  @Test
  void missingKeyLabel_failsNamingKeyAndToken() {
    Cli.assertOneLineFailure(token.run("self-signed-ca", "--key", "nope", "--subject", "CN=x"), 1,
        "no private key with label 'nope' on token '" + token.label() + "'");
  }

  @Test
  void noPinFileOrVariableWithoutATerminal_failsWithOneLine() {
    Cli.assertOneLineFailure(Cli.run("login-check", "--library", CliToken.library(), "--token", token.label()), 1,
        "no terminal to prompt for the PIN", "PIN file or environment variable");
  }

  @Test
  void unsetPinVariable_failsNamingTheVariable() {
    Cli.assertOneLineFailure(Cli.run("login-check", "--library", CliToken.library(), "--token", token.label(),
        "--pin-env", "P11CA_TEST_VARIABLE_THAT_IS_NOT_SET"), 1, "P11CA_TEST_VARIABLE_THAT_IS_NOT_SET is not set");
  }

  @Test
  void missingPinFile_failsNamingTheFile() {
    Path absent = dir.resolve("absent.pin");
    Cli.assertOneLineFailure(Cli.run("login-check", "--library", CliToken.library(), "--token", token.label(),
        "--pin-file", absent.toString()), 1, "cannot read PIN file " + absent);
  }

  @Test
  void pinOnTheCommandLine_isRefusedWithoutEchoingIt() {
    for (String option : new String[] {"--pin", "--so-pin", "--new-pin"}) {
      Cli.Result separate = Cli.run("login-check", "--token", token.label(), option, "s3cr3t-value");
      Cli.assertOneLineFailure(separate, 2, "never accepted on the command line", "--pin-file");
      assertFalse(separate.err().contains("s3cr3t-value"), separate.err());
      Cli.Result joined = Cli.run("login-check", "--token", token.label(), option + "=s3cr3t-value");
      Cli.assertOneLineFailure(joined, 2, "never accepted on the command line");
      assertFalse(joined.err().contains("s3cr3t-value"), joined.err());
    }
  }

  @Test
  void slotAndTokenTogether_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run("login-check", "--slot", "1", "--token", "t", "--pin-file", "f"), 2,
        "mutually exclusive", "try 'p11ca-token login-check --help'");
  }

  @Test
  void neitherSlotNorToken_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run("list", "--pin-file", "f"), 2, "--slot", "--token",
        "try 'p11ca-token list --help'");
  }

  @Test
  void pinFileAndPinEnvTogether_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run("list", "--token", "t", "--pin-file", "f", "--pin-env", "V"), 2,
        "mutually exclusive");
  }

  @Test
  void unknownBackend_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run("slots", "--backend", "pkcs11js"), 2, "unknown backend 'pkcs11js'",
        "sun or iaik");
  }

  @Test
  void unknownOption_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run("list", "--colour"), 2, "--colour");
  }

  @Test
  void unknownCommand_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run("format-token"), 2, "format-token");
  }

  @Test
  void noCommand_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run(), 2, "missing command", "try 'p11ca-token --help'");
  }

  @Test
  void badDays_isAUsageError() {
    Cli.assertOneLineFailure(token.run("self-signed-ca", "--key", "k", "--subject", "CN=x", "--days", "0"), 2,
        "--days must be at least 1");
  }

  @Test
  void help_succeedsOnStdout() {
    Cli.Result result = Cli.run("generate-key", "--help");
    assertEquals(0, result.exitCode());
    assertTrue(result.out().contains("--purpose"), result.out());
    assertEquals("", result.err());
  }

  @Test
  void unexpectedException_isExitThreeWithItsClassAndNoStackTrace() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = TokenTool.commandLine().setErr(new PrintWriter(err));
    int exit = new ErrorReporter().handleExecutionException(new IllegalStateException("the impossible happened"),
        commandLine, null);
    Cli.assertOneLineFailure(new Cli.Result(exit, "", err.toString()), 3,
        "p11ca-token: unexpected IllegalStateException: the impossible happened");
  }

  @Test
  void libraryIllegalArgument_isUnexpected_whileOurUsageException_isUsage() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = TokenTool.commandLine().setErr(new PrintWriter(err));
    int library = new ErrorReporter().handleExecutionException(new IllegalArgumentException("bad tag 0x31"),
        commandLine, null);
    Cli.assertOneLineFailure(new Cli.Result(library, "", err.toString()), 3,
        "p11ca-token: unexpected IllegalArgumentException: bad tag 0x31");
    err.getBuffer().setLength(0);
    int usage = new ErrorReporter().handleExecutionException(new UsageException("give --key"), commandLine, null);
    Cli.assertOneLineFailure(new Cli.Result(usage, "", err.toString()), 2, "p11ca-token: give --key; try");
  }

  @Test
  void multiLineMessage_isJoinedIntoOneLine() {
    assertEquals("first second", ErrorReporter.oneLine("first\n  second\n"));
  }
}
