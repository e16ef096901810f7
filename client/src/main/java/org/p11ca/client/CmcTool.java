package org.p11ca.client;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyPairSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * p11ca-cmc, the subscriber's CMC tools, mirroring Dogtag's CRMFPopClient, PKCS10Client, CMCRequest (and its
 * revRequest), HttpClient and CMCResponse. Exit codes: 0 success, 1 a runtime failure (a file, a password, the token, the server, a CMC failure
 * status), 2 bad usage, 3 unexpected; every failure is one line on stderr (see {@link ErrorReporter}).
 */
@Command(name = "p11ca-cmc", mixinStandardHelpOptions = true, version = "p11ca-cmc 0.1.0",
    description = "Makes CMC certificate requests, sends them to the CA and reads its answers.",
    subcommands = {
        CrmfCommand.class,
        Pkcs10Command.class,
        RequestCommand.class,
        RevokeCommand.class,
        SubmitCommand.class,
        ResponseCommand.class,
        ImportCertCommand.class})
public final class CmcTool implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Relative paths, on the command line and in Dogtag .cfg files, resolve against this directory. */
  private final Path workingDirectory;

  CmcTool(Path workingDirectory) {
    this.workingDirectory = workingDirectory.toAbsolutePath();
  }

  /**
   * A PIN or password typed as an argument ends up in shell history and in every process listing, so these options
   * exist only to refuse it; picocli's own "unknown option" message would echo the value back.
   */
  @Option(names = {"--pin", "--password", "--pass"}, arity = "0..1", hidden = true, scope = ScopeType.INHERIT,
      paramLabel = "<refused>")
  void refuseSecretOnCommandLine(String ignored) {
    throw new ParameterException(spec.commandLine(),
        "a PIN or password is never accepted on the command line: give it in a file (--pin-file, --password-file)"
            + " or an environment variable (--pin-env, --password-env)");
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }

  Path resolve(Path path) {
    return workingDirectory.resolve(path);
  }

  public static void main(String[] args) {
    StandardStreams streams = StandardStreams.claim();
    System.exit(run(Path.of(""), streams.results(), streams.diagnostics(), args));
  }

  /** Runs one invocation and returns its exit code; main uses it, and tests run commands in-process with it. */
  public static int run(Path workingDirectory, PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = commandLine(workingDirectory).setOut(out).setErr(err);
    try {
      return commandLine.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  static CommandLine commandLine(Path workingDirectory) {
    CommandLine cl = new CommandLine(new CmcTool(workingDirectory));
    cl.registerConverter(Backend.class, converter(Backend::parse));
    cl.registerConverter(KeyPairSpec.class, converter(NewKeyType::parse));
    cl.registerConverter(X500Name.class, converter(SubjectName::parse));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    ErrorReporter errors = new ErrorReporter();
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    return cl;
  }

  /** Lets picocli report our parsers' one-line messages as they are. */
  private static <T> ITypeConverter<T> converter(Function<String, T> parser) {
    return text -> {
      try {
        return parser.apply(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }
}
