package org.p11ca.tokens;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.SignatureAlgorithm;
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
 * p11ca-token, the operator's token tool: creates tokens, keys and the root CA certificate, all on the hsm API.
 * Exit codes: 0 success, 1 token or HSM failure, 2 bad usage, 3 unexpected failure; every failure is one line on
 * stderr (see {@link ErrorReporter}).
 */
@Command(name = "p11ca-token", mixinStandardHelpOptions = true, version = "p11ca-token 0.1.0",
    description = "Manages the PKCS#11 token that holds the CA's keys.",
    subcommands = {
        SlotsCommand.class,
        InitTokenCommand.class,
        LoginCheckCommand.class,
        GenerateKeyCommand.class,
        SelfSignedCaCommand.class,
        CsrCommand.class,
        ImportCertCommand.class,
        ExportCertCommand.class,
        ListCommand.class,
        ChangePinCommand.class,
        DestroyCommand.class})
public final class TokenTool implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /**
   * A PIN typed as an argument ends up in shell history and in every process listing, so these options exist only
   * to refuse it; picocli's own "unknown option" message would echo the value back.
   */
  @Option(names = {"--pin", "--so-pin", "--new-pin", "--user-pin"}, arity = "0..1", hidden = true,
      scope = ScopeType.INHERIT, paramLabel = "<refused>")
  void refusePinOnCommandLine(String ignored) {
    throw new ParameterException(spec.commandLine(),
        "a PIN is never accepted on the command line: give it in a file (--pin-file) or an environment variable"
            + " (--pin-env)");
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    StandardStreams streams = StandardStreams.claim();
    System.exit(run(streams.results(), streams.diagnostics(), args));
  }

  /** Runs one invocation and returns its exit code; main uses it, and tests run commands in-process with it. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = commandLine().setOut(out).setErr(err);
    try {
      return commandLine.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new TokenTool());
    cl.registerConverter(Backend.class, converter(Backend::parse));
    cl.registerConverter(ObjectId.class, converter(ObjectId::parseHex));
    cl.registerConverter(SignatureAlgorithm.class, converter(SignatureAlgorithm::parse));
    cl.registerConverter(GeneratedKeyType.class, converter(GeneratedKeyType::parse));
    cl.registerConverter(KeyPurpose.class, converter(KeyPurpose::parse));
    cl.registerConverter(ObjectClass.class, converter(ObjectClassNames::parse));
    cl.registerConverter(X500Name.class, converter(DistinguishedName::parse));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    ErrorReporter errors = new ErrorReporter();
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    return cl;
  }

  /** Lets picocli report our parsers' one-line messages ("unknown backend 'x': use sun or iaik") as they are. */
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
