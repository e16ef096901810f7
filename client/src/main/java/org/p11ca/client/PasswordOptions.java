package org.p11ca.client;

import java.nio.file.Path;
import java.util.Arrays;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.PinSource;
import picocli.CommandLine.Option;

/**
 * Where the PKCS#12 password comes from: a file (its first line) or an environment variable, else a terminal
 * prompt. Never a command-line value (see {@link CmcTool#refuseSecretOnCommandLine}).
 */
final class PasswordOptions {

  @Option(names = "--password-file", paramLabel = "<file>", description = "file whose first line is the PKCS#12 password")
  Path file;

  @Option(names = "--password-env", paramLabel = "<VAR>",
      description = "environment variable holding the PKCS#12 password")
  String variable;

  /** The password of an existing file; a prompt is read once. */
  char[] existing(CmcTool tool, Path p12) {
    return read(tool, "Password for " + p12 + ": ");
  }

  /** The password for a new file; prompted, it is typed twice, since a typo would lock the key away for good. */
  char[] forNewFile(CmcTool tool, Path p12) {
    char[] first = read(tool, "New password for " + p12 + ": ");
    if (file != null || variable != null) {
      return first;
    }
    char[] second = read(tool, "Repeat the password for " + p12 + ": ");
    try {
      if (!Arrays.equals(first, second)) {
        Arrays.fill(first, '\0');
        throw new CmcToolException("the two passwords entered differ");
      }
      return first;
    } finally {
      Arrays.fill(second, '\0');
    }
  }

  private char[] read(CmcTool tool, String prompt) {
    if (file != null && variable != null) {
      throw new UsageException("give --password-file or --password-env, not both");
    }
    PinSource source = file != null ? PinSource.file(tool.resolve(file))
        : variable != null ? PinSource.environment(variable) : PinSource.prompt(prompt);
    try {
      return source.read();
    } catch (HsmException e) {
      // PinSource speaks of PINs; here it is a PKCS#12 password. Its messages name the place, never the value.
      throw new CmcToolException("cannot read the PKCS#12 password: " + e.getMessage().replace("PIN", "password"));
    }
  }
}
