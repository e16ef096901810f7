package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotsCommandTest {

  @TempDir
  Path dir;

  @Test
  void slots_listsTheTokenAsPresentAndInitialized() {
    CliToken token = CliToken.create(dir, "slots");
    List<String[]> rows = Cli.run("slots", "--library", CliToken.library(), "--format", "tsv").requireSuccess()
        .out().lines().skip(1).map(l -> l.split("\t", -1)).toList();
    String[] row = rows.stream().filter(r -> r[3].equals(token.label())).findFirst().orElseThrow();
    assertEquals("yes", row[1], "token present");
    assertEquals("yes", row[2], "initialized");
    assertEquals("SoftHSM project", row[4]);
  }

  @Test
  void slots_tableHasHeaderAndNeedsNoPin() {
    CliToken token = CliToken.create(dir, "slots-table");
    String table = Cli.run("slots", "--library", CliToken.library(), "--backend", "sun").requireSuccess().out();
    assertTrue(table.matches("(?s)SLOT +TOKEN +INITIALIZED +LABEL +MANUFACTURER +MODEL +SERIAL\\R.*"), table);
    assertTrue(table.contains(" " + token.label() + " "), table);
  }
}
