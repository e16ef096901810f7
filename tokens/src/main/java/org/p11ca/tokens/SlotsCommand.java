package org.p11ca.tokens;

import java.util.concurrent.Callable;
import org.p11ca.hsm.TokenInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "slots", mixinStandardHelpOptions = true,
    description = "Lists the library's slots and the tokens in them (no login).")
final class SlotsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  LibraryOptions library;

  @Option(names = "--format", paramLabel = "<table|tsv>", defaultValue = "table",
      description = "table (default) or tsv")
  TextTable.Format format;

  @Override
  public Integer call() {
    TextTable table = new TextTable("slot", "token", "initialized", "label", "manufacturer", "model", "serial");
    for (TokenInfo slot : library.load().slots()) {
      table.add(Long.toString(slot.slotId()), TextTable.yesNo(slot.tokenPresent()),
          slot.tokenPresent() ? TextTable.yesNo(slot.initialized()) : "-", orDash(slot.label()),
          orDash(slot.manufacturer()), orDash(slot.model()), orDash(slot.serialNumber()));
    }
    table.print(spec.commandLine().getOut(), format);
    return 0;
  }

  private static String orDash(String value) {
    return value == null || value.isBlank() ? "-" : value.strip();
  }
}
