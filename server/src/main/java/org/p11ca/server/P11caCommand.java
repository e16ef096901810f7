package org.p11ca.server;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.p11ca.ca.error.CaException;
import org.p11ca.hsm.HsmException;
import org.p11ca.server.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code p11ca}, the CA server. Run it as
 *
 * <pre>
 * java -jar server/target/p11ca-server.jar serve --config p11ca.yaml
 * </pre>
 *
 * (the jar's manifest carries the {@code Add-Exports} the sun backend and the SunPKCS11 KeyStore need). Exit codes:
 * 0 after a clean stop, 1 when the token, database or CA fails, 2 for a bad command line or config file, 3 for
 * anything unexpected; every failure is one line on stderr, {@code p11ca: <reason>}.
 */
@Command(name = "p11ca", mixinStandardHelpOptions = true, version = "p11ca 0.1.0",
    description = "A certificate authority whose keys live in a PKCS#11 token.",
    subcommands = {ServeCommand.class, BootstrapCommand.class, AuditVerifyCommand.class, AuditRepairCommand.class,
        RecoverKeyCommand.class,
        SharedSecretCommand.class})
public final class P11caCommand implements Callable<Integer> {

  static final int CA_FAILURE = 1;
  static final int USAGE = 2;
  static final int UNEXPECTED = 3;

  private static final System.Logger LOG = System.getLogger(P11caCommand.class.getName());

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: try 'p11ca serve --config <file>'");
  }

  public static void main(String[] args) {
    OneLineLogFormat.installOnConsole();
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new P11caCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler((ex, a) -> report(cli, ex.getMessage(), USAGE));
    cli.setExecutionExceptionHandler((ex, commandLine, parsed) -> failure(cli, ex));
    return cli.execute(args);
  }

  /** One line on stderr for a command that failed, and the exit code that says which kind of failure it was. */
  static int failure(CommandLine cli, Exception ex) {
    LOG.log(System.Logger.Level.DEBUG, "p11ca failed", ex);
    if (ex instanceof ConfigException || ex instanceof UsageException) {
      return report(cli, ex.getMessage(), USAGE);
    }
    // Any other IllegalArgumentException is a library meeting an input nobody checked first, or a broken
    // invariant of ours: reported as unexpected below, not blamed on the command line.
    if (ex instanceof HsmException || ex instanceof CaException || ex instanceof IllegalStateException) {
      return report(cli, ex.getMessage(), CA_FAILURE);
    }
    LOG.log(System.Logger.Level.ERROR, "p11ca failed unexpectedly", ex);
    return report(cli, "unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage(), UNEXPECTED);
  }

  private static int report(CommandLine cli, String message, int exitCode) {
    String line = message == null || message.isBlank() ? "(no detail)"
        : message.strip().replaceAll("\\s*\\R\\s*", " ").replaceFirst("^Error: ", "");
    cli.getErr().println("p11ca: " + line);
    cli.getErr().flush();
    return exitCode;
  }
}
