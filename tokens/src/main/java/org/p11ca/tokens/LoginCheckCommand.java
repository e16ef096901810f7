package org.p11ca.tokens;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.p11ca.hsm.Token;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "login-check", mixinStandardHelpOptions = true,
    description = "Opens the token and logs in, to check the library, token and PIN.")
final class LoginCheckCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TokenOptions tokenOptions;

  @Override
  public Integer call() {
    try (Token token = tokenOptions.open()) {
      spec.commandLine().getOut().println("login ok: token '" + token.info().label() + "' in slot "
          + token.info().slotId() + " (" + token.backend().name().toLowerCase(Locale.ROOT) + " backend)");
    }
    return 0;
  }
}
