package org.p11ca.client;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where a command finds a shared secret (request's identityProofV2 and popLinkWitnessV2 key, revoke's passphrase of
 * an unsigned revokeRequest): a file or an environment variable, never the command line (shell history, process
 * listings). A key of a Dogtag cfg file is read too, as its CMCRequest reads it, and loses to either option.
 */
final class SharedSecretSource {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--shared-secret-file", paramLabel = "<file>", description = "file holding the shared secret"
      + " (UTF-8; one trailing newline is dropped)")
  Path secretFile;

  @Option(names = "--shared-secret-env", paramLabel = "<VAR>", description = "environment variable holding the"
      + " shared secret")
  String secretVariable;

  /** The cfg's value, the cfg file and the key it was under. */
  private Optional<String> configuredSecret = Optional.empty();
  private Path configFile;
  private String configKey;

  /** As CmcTool's --pin: refused without echoing the value, which picocli's "unknown option" would print. */
  @Option(names = {"--shared-secret", "--secret"}, arity = "0..1", hidden = true, paramLabel = "<refused>")
  void refuseSecretOnCommandLine(String ignored) {
    throw new ParameterException(command.commandLine(), "the shared secret is never accepted on the command line:"
        + " give it in a file (--shared-secret-file) or an environment variable (--shared-secret-env)");
  }

  /** Reads {@code key} of a Dogtag cfg (witness.sharedSecret, revRequest.sharedSecret). */
  void applyConfig(DogtagConfig cfg, String key) {
    configuredSecret = cfg.value(key);
    configFile = cfg.file();
    configKey = key;
  }

  /** Whether an option named the secret. */
  boolean optionGiven() {
    return secretFile != null || secretVariable != null;
  }

  /** Whether a secret was named, by an option or the cfg. */
  boolean given() {
    return optionGiven() || configuredSecret.isPresent();
  }

  /** Which options, or cfg key, named it: for a refusal, never the secret itself. */
  String named() {
    return secretFile != null ? "--shared-secret-file" : secretVariable != null ? "--shared-secret-env"
        : configFile + " " + configKey;
  }

  /** Where the secret was read from, for the output line. */
  String source() {
    return secretFile != null ? "file " + secretFile : secretVariable != null ? "environment variable "
        + secretVariable : configFile + " " + configKey;
  }

  /** Refuses two sources, before anything is read. */
  void checkOneSource() {
    if (secretFile != null && secretVariable != null) {
      throw new UsageException("give --shared-secret-file or --shared-secret-env, not both");
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
    return SharedSecret.fromConfig(configFile, configKey, configuredSecret.orElseThrow());
  }
}
