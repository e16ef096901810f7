package org.p11ca.client;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where revoke finds the certificate holder's shared secret, the passphrase of an unsigned revokeRequest (RFC 5272
 * section 6.11): a file or an environment variable, never the command line (shell history, process listings).
 * Dogtag's revRequest.sharedSecret in a cfg file is read too, as its CMCRequest does, and loses to either option.
 */
final class RevocationSecretOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--shared-secret-file", paramLabel = "<file>", description = "file holding the certificate"
      + " holder's shared secret (UTF-8; one trailing newline is dropped): sends the revocation unsigned")
  Path secretFile;

  @Option(names = "--shared-secret-env", paramLabel = "<VAR>", description = "environment variable holding it")
  String secretVariable;

  /** revRequest.sharedSecret and the cfg file it is in. */
  private Optional<String> configuredSecret = Optional.empty();
  private Path configFile;

  /** As CmcTool's --pin: refused without echoing the value, which picocli's "unknown option" would print. */
  @Option(names = {"--shared-secret", "--secret"}, arity = "0..1", hidden = true, paramLabel = "<refused>")
  void refuseSecretOnCommandLine(String ignored) {
    throw new ParameterException(command.commandLine(), "the shared secret is never accepted on the command line:"
        + " give it in a file (--shared-secret-file) or an environment variable (--shared-secret-env)");
  }

  void applyConfig(DogtagConfig cfg) {
    configuredSecret = cfg.value("revRequest.sharedSecret");
    configFile = cfg.file();
  }

  /** Whether a secret was named, by an option or the cfg. */
  boolean given() {
    return secretFile != null || secretVariable != null || configuredSecret.isPresent();
  }

  /** Which options, or cfg key, named it: for a refusal, never the secret itself. */
  String named() {
    return secretFile != null ? "--shared-secret-file" : secretVariable != null ? "--shared-secret-env"
        : configFile + " revRequest.sharedSecret";
  }

  /** Where the secret was read from, for the output line. */
  String source() {
    return secretFile != null ? "file " + secretFile : secretVariable != null ? "environment variable "
        + secretVariable : configFile + " revRequest.sharedSecret";
  }

  /** Refuses two sources, before anything is read. */
  void checkOneSource() {
    if (secretFile != null && secretVariable != null) {
      throw new IllegalArgumentException("give --shared-secret-file or --shared-secret-env, not both");
    }
  }

  /** The secret; the caller closes it. */
  SharedSecret read(CmcTool tool) {
    checkOneSource();
    if (secretFile != null) {
      return SharedSecret.fromFile(tool.resolve(secretFile));
    }
    if (secretVariable != null) {
      return SharedSecret.fromEnvironment(secretVariable);
    }
    return SharedSecret.fromConfig(configFile, "revRequest.sharedSecret", configuredSecret.orElseThrow());
  }
}
