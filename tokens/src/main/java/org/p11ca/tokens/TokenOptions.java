package org.p11ca.tokens;

import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.SlotSelector;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenConfig;
import org.p11ca.hsm.TokenInfo;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of every command that logs into a token: library, backend, which token, and the user PIN. */
final class TokenOptions {

  @Mixin
  LibraryOptions library;

  @ArgGroup(exclusive = true, multiplicity = "1")
  TokenChoice token;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  PinOptions.UserPin pin;

  private PinSource userPin;

  static final class TokenChoice {
    @Option(names = "--slot", paramLabel = "<id>", required = true, description = "slot id of the token")
    Long slotId;

    @Option(names = "--token", paramLabel = "<label>", required = true, description = "label of the token")
    String label;

    SlotSelector selector() {
      return slotId != null ? SlotSelector.id(slotId) : SlotSelector.tokenLabel(label);
    }
  }

  SlotSelector selector() {
    return token.selector();
  }

  /** The user PIN given when the token was opened; a prompted one is read once per run. */
  PinSource userPin() {
    if (userPin == null) {
      throw new IllegalStateException("the token is not open yet");
    }
    return userPin;
  }

  /** Opens the token and logs in; the caller closes it. The library and token are found before any prompt. */
  Token open() {
    Pkcs11Library pkcs11 = library.load();
    TokenInfo found = pkcs11.resolve(selector());
    userPin = PinOptions.existing(pin, "User PIN for token '" + found.label() + "': ");
    return pkcs11.openToken(TokenConfig.of(library.library, selector(), userPin, library.backend));
  }
}
