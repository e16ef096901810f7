package org.p11ca.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: failures are one line on stderr, {@code p11ca: <reason>}, with the documented exit code. */
class P11caCommandTest {

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return P11caCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private void assertOneErrorLine(String expectedPart) {
    String text = err.toString();
    assertTrue(text.startsWith("p11ca: ") && text.strip().lines().count() == 1, text);
    assertTrue(text.contains(expectedPart), text);
  }

  @Test
  void serveWithoutConfig_isUsageError() {
    assertEquals(P11caCommand.USAGE, run("serve"));
    assertOneErrorLine("--config");
  }

  @Test
  void noCommand_isUsageError() {
    assertEquals(P11caCommand.USAGE, run());
    assertOneErrorLine("missing command");
  }

  @Test
  void badConfigFile_isUsageErrorNamingFileAndField() throws Exception {
    Path config = Files.writeString(dir.resolve("p11ca.yaml"), "dataDir: data\ntoken: {label: x}\nhttp: {port: -1}\n");
    assertEquals(P11caCommand.USAGE, run("serve", "--config", config.toString()));
    assertOneErrorLine(config + ": ");
  }

  @Test
  void libraryIllegalArgument_isUnexpected_whileOurUsageException_isUsage() {
    picocli.CommandLine cli = new picocli.CommandLine(new P11caCommand()).setErr(new PrintWriter(err, true));
    assertEquals(P11caCommand.UNEXPECTED, P11caCommand.failure(cli, new IllegalArgumentException("bad tag 0x31")));
    assertOneErrorLine("unexpected IllegalArgumentException: bad tag 0x31");
    err.getBuffer().setLength(0);
    assertEquals(P11caCommand.USAGE, P11caCommand.failure(cli, new UsageException("--role needs --agent")));
    assertOneErrorLine("p11ca: --role needs --agent");
  }

  @Test
  void help_listsServe() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("serve"), out.toString());
  }
}
