package org.p11ca.client;

import java.nio.file.Path;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.SlotSelector;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenConfig;
import org.p11ca.hsm.TokenInfo;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import picocli.CommandLine.Option;

/** Which PKCS#11 token holds the key, and its user PIN. {@code --token} is what asks for a token at all. */
final class TokenOptions {

  @Option(names = "--library", paramLabel = "<path>",
      defaultValue = "${env:P11CA_PKCS11_LIBRARY:-/usr/lib/softhsm/libsofthsm2.so}",
      description = "PKCS#11 library (default: $P11CA_PKCS11_LIBRARY, else ${DEFAULT-VALUE})")
  Path library;

  @Option(names = "--backend", paramLabel = "<sun|iaik>",
      description = "PKCS#11 binding: sun (the JDK's) or iaik (default: iaik; sun for a TLS client key)")
  Backend backend;

  @Option(names = "--token", paramLabel = "<label>", description = "label of the token that holds the key")
  String label;

  @Option(names = "--pin-file", paramLabel = "<file>", description = "file whose first line is the token's user PIN")
  Path pinFile;

  @Option(names = "--pin-env", paramLabel = "<VAR>", description = "environment variable holding the user PIN")
  String pinVariable;

  boolean requested() {
    return label != null;
  }

  /** Opens the token and logs in; the caller closes it. The library and token are found before any prompt. */
  Token open(CmcTool tool, Backend defaultBackend) {
    if (pinFile != null && pinVariable != null) {
      throw new UsageException("give --pin-file or --pin-env, not both");
    }
    Backend chosen = backend != null ? backend : defaultBackend;
    Path lib = tool.resolve(library);
    Pkcs11Library pkcs11 = Pkcs11Library.load(lib, chosen);
    SlotSelector selector = SlotSelector.tokenLabel(label);
    TokenInfo found = pkcs11.resolve(selector);
    PinSource pin = pinFile != null ? PinSource.file(tool.resolve(pinFile))
        : pinVariable != null ? PinSource.environment(pinVariable)
        : PinSource.prompt("User PIN for token '" + found.label() + "': ");
    return pkcs11.openToken(TokenConfig.of(lib, selector, heldOnce(pin), chosen));
  }

  /** A prompted PIN is read once and held, so one run never asks twice (login, then the JCA key store's login). */
  private static PinSource heldOnce(PinSource pin) {
    if (!(pin instanceof PinSource.FromConsole)) {
      return pin;
    }
    char[] value = pin.read();
    try {
      return PinSource.ofValue(value);
    } finally {
      java.util.Arrays.fill(value, '\0');
    }
  }
}
