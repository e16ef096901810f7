package org.p11ca.tokens;

import org.p11ca.hsm.HsmException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into exactly one line on stderr, {@code p11ca-token: <reason>}, and an exit code. Scripts
 * branch on the code and people read the line; a stack trace helps neither, so the full cause goes only to the
 * debug log. Messages come from the hsm layer and our own checks, which never put a PIN in them.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

  /** The token, its library or a key failed or refused: HsmException. */
  static final int TOKEN_FAILURE = 1;
  /** The command line or a file it names is wrong. */
  static final int USAGE = 2;
  /** A bug or an environment we did not plan for. */
  static final int UNEXPECTED = 3;

  private static final System.Logger LOG = System.getLogger(ErrorReporter.class.getName());

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    return usage(ex.getCommandLine(), ex.getMessage());
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
    LOG.log(System.Logger.Level.DEBUG, "p11ca-token failed", ex);
    if (ex instanceof HsmException) {
      return report(commandLine, ex.getMessage(), TOKEN_FAILURE);
    }
    if (ex instanceof ParameterException || ex instanceof UsageException) {
      return usage(commandLine, ex.getMessage());
    }
    // Any other IllegalArgumentException comes from a library meeting an input we did not check first, or from a
    // broken invariant of ours: not a mistake on the command line, so it is not reported as one.
    return report(commandLine, "unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage(), UNEXPECTED);
  }

  private static int usage(CommandLine commandLine, String message) {
    String help = commandLine.getCommandSpec().qualifiedName();
    return report(commandLine, message + "; try '" + help + " --help'", USAGE);
  }

  private static int report(CommandLine commandLine, String message, int exitCode) {
    commandLine.getErr().println("p11ca-token: " + oneLine(message));
    commandLine.getErr().flush();
    return exitCode;
  }

  /** Some library messages span lines; the contract is one line per failure. */
  static String oneLine(String message) {
    if (message == null || message.isBlank()) {
      return "(no detail)";
    }
    // picocli starts some messages with "Error: "; every line here is an error already.
    return message.strip().replaceAll("\\s*\\R\\s*", " ").replaceFirst("^Error: ", "");
  }
}
