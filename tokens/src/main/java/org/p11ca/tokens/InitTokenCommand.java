package org.p11ca.tokens;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.SlotSelector;
import org.p11ca.hsm.TokenInfo;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Initializes a token for development and tests (SoftHSM keeps one free slot for this). Production HSMs are
 * initialized with their vendor's tools, under their ceremony.
 */
@Command(name = "init-token", mixinStandardHelpOptions = true,
    description = "Initializes a new token (C_InitToken, then C_InitPIN); dev/test, iaik backend.")
final class InitTokenCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LibraryOptions library;

  @Option(names = "--label", paramLabel = "<label>", required = true, description = "label of the new token")
  String label;

  @Option(names = "--slot", paramLabel = "<id>",
      description = "slot to initialize (default: the first slot with an uninitialized token)")
  Long slotId;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  PinOptions.SoPin soPin;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  PinOptions.UserPin userPin;

  @Override
  public Integer call() {
    Pkcs11Library pkcs11 = library.load();
    Optional<TokenInfo> sameLabel = pkcs11.slots().stream()
        .filter(s -> s.tokenPresent() && s.initialized() && s.label().strip().equals(label)).findFirst();
    if (sameLabel.isPresent()) {
      throw new HsmException(HsmException.Reason.OBJECT_EXISTS, "a token labelled '" + label
          + "' already exists in slot " + sameLabel.get().slotId() + " of " + pkcs11.path());
    }
    TokenInfo slot = chooseSlot(pkcs11);
    TokenInfo created = pkcs11.initToken(slot.slotId(), label,
        PinOptions.toSet(soPin, "New security officer PIN: "), PinOptions.toSet(userPin, "New user PIN: "));
    spec.commandLine().getOut().println("initialized token '" + label + "' in slot " + created.slotId());
    return 0;
  }

  /** C_InitToken erases a token; this tool only ever initializes one that holds nothing yet. */
  private TokenInfo chooseSlot(Pkcs11Library pkcs11) {
    if (slotId == null) {
      return pkcs11.firstUninitializedSlot().orElseThrow(() -> new HsmException(
          HsmException.Reason.SLOT_NOT_FOUND, "no slot of " + pkcs11.path() + " holds an uninitialized token"));
    }
    TokenInfo slot = pkcs11.resolve(SlotSelector.id(slotId));
    if (!slot.tokenPresent()) {
      throw new HsmException(HsmException.Reason.TOKEN_NOT_FOUND, "slot " + slotId + " of " + pkcs11.path()
          + " has no token");
    }
    if (slot.initialized()) {
      throw new HsmException(HsmException.Reason.OBJECT_EXISTS, "slot " + slotId + " already holds initialized token '"
          + slot.label().strip() + "'; init-token never erases a token");
    }
    return slot;
  }
}
