package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every failure: one "p11ca-cmc: " line on stderr, a non-zero exit, and no secret anywhere in the output. */
class ErrorReportingTest {

  private static final String WRONG = "Not-The-Password-42";

  @TempDir
  Path dir;

  static void assertNoSecret(Cli.Result r, String secret) {
    assertFalse(r.out().contains(secret) || r.err().contains(secret), () -> "secret printed: " + r);
  }

  @Test
  void wrongPkcs12Password_isOneLine_exitOne_andNeverPrinted() {
    Path wrong = Fixtures.secretFile(dir, "wrong.pass", WRONG);
    Cli.Result r = Cli.run("crmf", "--key-p12", Fixtures.path("ca/user-bob.p12"), "--password-file",
        wrong.toString(), "--subject", "UID=bob,O=Example", "--out", dir.resolve("x.der").toString());
    Cli.assertOneLineFailure(r, 1, "user-bob.p12", "wrong password");
    assertNoSecret(r, WRONG);
    assertFalse(Files.exists(dir.resolve("x.der")));
  }

  @Test
  void unsetPasswordVariable_isOneLine_namingTheVariable() {
    Cli.Result r = Cli.run("request", "--in", Fixtures.path("crmf/bob_popsuccess_rsa2048_newkey.der"),
        "--signer-p12", Fixtures.path("ca/user-bob.p12"), "--password-env", "P11CA_TEST_UNSET_VARIABLE", "--out",
        dir.resolve("x.der").toString());
    Cli.assertOneLineFailure(r, 1, "P11CA_TEST_UNSET_VARIABLE", "is not set", "password");
  }

  @Test
  void missingInputFile_isOneLine_namingTheFile() {
    Path missing = dir.resolve("no-such-request.der");
    Cli.assertOneLineFailure(Cli.run("request", "--in", missing.toString(), "--signer-p12",
        Fixtures.path("ca/user-bob.p12"), "--out", dir.resolve("x.der").toString()), 1, missing.toString(),
        "no such file");
    Cli.assertOneLineFailure(Cli.run("response", "--in", missing.toString()), 1, "no such file");
  }

  @Test
  void missingPkcs12_isOneLine() {
    Path pass = Fixtures.secretFile(dir, "p.pass", "whatever-pass");
    Cli.assertOneLineFailure(Cli.run("crmf", "--key-p12", dir.resolve("absent.p12").toString(), "--password-file",
        pass.toString(), "--subject", "UID=x", "--out", dir.resolve("x.der").toString()), 1, "absent.p12",
        "no such file");
  }

  @Test
  void badSubject_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run("crmf", "--new-key", "ec:P-256", "--key-p12", dir.resolve("k.p12").toString(),
        "--subject", "this is not a DN", "--out", dir.resolve("x.der").toString()), 2, "not a distinguished name");
    assertFalse(Files.exists(dir.resolve("k.p12")));
  }

  @Test
  void unknownKeyType_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run("crmf", "--new-key", "rsa:1024", "--key-p12", dir.resolve("k.p12").toString(),
        "--subject", "UID=x", "--out", dir.resolve("x.der").toString()), 2, "unknown key type 'rsa:1024'");
  }

  @Test
  void passwordOnTheCommandLine_isRefused_withoutEchoingIt() {
    Cli.Result r = Cli.run("crmf", "--password", WRONG, "--key-p12", Fixtures.path("ca/user-bob.p12"), "--subject",
        "UID=x", "--out", dir.resolve("x.der").toString());
    Cli.assertOneLineFailure(r, 2, "never accepted on the command line");
    assertNoSecret(r, WRONG);
  }

  @Test
  void missingCommand_andConflictingKeySources_areUsageErrors() {
    Cli.assertOneLineFailure(Cli.run(), 2, "missing command");
    Cli.assertOneLineFailure(Cli.run("crmf", "--subject", "UID=x", "--out", dir.resolve("x.der").toString()), 2,
        "give either --key-p12");
  }

  @Test
  void unknownCfgKey_isRefusedByName() throws Exception {
    Path cfg = Files.writeString(dir.resolve("typo.cfg"), "input=x.der\noutptu=y.der\n");
    Cli.assertOneLineFailure(Cli.run("request", "--config", cfg.toString()), 2, "key 'outptu'");
  }

  @Test
  void cfgFileNameThatIsNoPath_isAUsageError_namingTheKey() throws Exception {
    Path cfg = Files.writeString(dir.resolve("nul.cfg"), "input=a\0b.der\noutput=y.der\n");
    Cli.assertOneLineFailure(Cli.run("request", "--config", cfg.toString()), 2, "nul.cfg", "input is not a file name");
  }

  /** A picocli command whose work throws the given exception, reported as p11ca-cmc reports every failure. */
  private static Cli.Result reportedFailure(RuntimeException thrown) {
    @CommandLine.Command(name = "fails")
    class Fails implements Callable<Integer> {
      @Override
      public Integer call() {
        throw thrown;
      }
    }
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Fails());
    ErrorReporter reporter = new ErrorReporter();
    cl.setExecutionExceptionHandler(reporter);
    cl.setParameterExceptionHandler(reporter);
    cl.setErr(new PrintWriter(err, true));
    return new Cli.Result(cl.execute(), "", err.toString());
  }

  @Test
  void ourUsageException_isAUsageError_withTheHelpHint() {
    Cli.assertOneLineFailure(reportedFailure(new UsageException("give --out FILE")), 2, "give --out FILE",
        "try 'fails --help'");
  }

  @Test
  void libraryIllegalArgument_isUnexpected_notAUsageError() {
    // An IllegalArgumentException from a library is an input nobody checked first; sending the user to --help for
    // it would blame the command line.
    String line = Cli.assertOneLineFailure(reportedFailure(new IllegalArgumentException("bad tag 0x31")), 3,
        "unexpected IllegalArgumentException", "bad tag 0x31");
    assertFalse(line.contains("--help"), line);
  }
}
