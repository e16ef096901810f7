package org.p11ca.tokens;

import java.util.concurrent.Callable;
import org.p11ca.hsm.Token;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "change-pin", mixinStandardHelpOptions = true,
    description = "Changes the user PIN (C_SetPIN; iaik backend). --pin-file/--pin-env give the current PIN.")
final class ChangePinCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TokenOptions tokenOptions;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  PinOptions.NewUserPin newPin;

  @Override
  public Integer call() {
    try (Token token = tokenOptions.open()) {
      token.changeUserPin(tokenOptions.userPin(), PinOptions.toSet(newPin, "New user PIN: "));
      spec.commandLine().getOut().println("changed the user PIN of token '" + token.info().label() + "'");
    }
    return 0;
  }
}
