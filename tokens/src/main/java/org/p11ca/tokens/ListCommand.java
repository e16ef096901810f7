package org.p11ca.tokens;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists every object on the token with its security attributes.")
final class ListCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TokenOptions tokenOptions;

  @Option(names = "--format", paramLabel = "<table|tsv>", defaultValue = "table",
      description = "table (default) or tsv: a header line, then class, type, bits, label, id, persistence,"
          + " private, sensitive, extractable")
  TextTable.Format format;

  @Override
  public Integer call() {
    List<TokenObject> objects;
    try (Token token = tokenOptions.open()) {
      objects = token.listObjects();
    }
    // In TSV an absent label or CKA_ID is an empty cell, so it cannot be mistaken for a label "-".
    String absent = format == TextTable.Format.TSV ? "" : "-";
    TextTable table = new TextTable("class", "type", "bits", "label", "id", "persistence", "private", "sensitive",
        "extractable");
    objects.stream()
        .sorted(Comparator.comparing((TokenObject o) -> o.label().orElse("")).thenComparing(TokenObject::objectClass))
        .forEach(o -> table.add(ObjectClassNames.of(o.objectClass()), ObjectClassNames.of(o.keyType()),
            o.sizeBits() > 0 ? Integer.toString(o.sizeBits()) : "-", o.label().orElse(absent),
            o.id().map(ObjectId::hex).orElse(absent), o.persistent() ? "token" : "session", flag(o.isPrivate()),
            flag(o.sensitive()), flag(o.extractable())));
    table.print(spec.commandLine().getOut(), format);
    return 0;
  }

  /** Certificates and public keys have no CKA_SENSITIVE or CKA_EXTRACTABLE; some tokens hide them. */
  private static String flag(Optional<Boolean> value) {
    return value.map(TextTable::yesNo).orElse("-");
  }
}
