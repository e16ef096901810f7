package org.p11ca.tokens;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.Token;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "destroy", mixinStandardHelpOptions = true,
    description = "Destroys one object on the token. There is no undo: a destroyed CA key is gone.")
final class DestroyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TokenOptions tokenOptions;

  @Option(names = "--label", paramLabel = "<label>", required = true, description = "label of the object")
  String label;

  @Option(names = "--class", paramLabel = "<class>", required = true,
      description = "private-key, public-key, secret-key or certificate")
  ObjectClass objectClass;

  @Option(names = "--id", paramLabel = "<hex>", description = "CKA_ID, when several objects share the label")
  ObjectId id;

  @Override
  public Integer call() {
    try (Token token = tokenOptions.open()) {
      // Exactly one object: the hsm layer refuses a selector that matches two rather than pick one.
      KeyHandle object = token.requireKey(objectClass, new KeySelector(Optional.of(label), Optional.ofNullable(id)));
      token.destroy(object);
      spec.commandLine().getOut().println("destroyed " + ObjectClassNames.of(objectClass) + " '" + label + "'"
          + object.id().map(i -> " with CKA_ID " + i.hex()).orElse(""));
    }
    return 0;
  }
}
