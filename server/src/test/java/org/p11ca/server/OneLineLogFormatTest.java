package org.p11ca.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OneLineLogFormatTest {

  private static final String NL = System.lineSeparator();

  private static final String CONFIG_FILE = "java.util.logging.config.file";

  private final List<Handler> addedToRoot = new ArrayList<>();
  /** The build sets it for the module's tests (src/test/resources/logging.properties); restored after each. */
  private String configFile;

  private final Map<Handler, Formatter> rootFormatters = new HashMap<>();

  @BeforeEach
  void clearProperty() {
    configFile = System.getProperty(CONFIG_FILE);
    System.clearProperty(CONFIG_FILE);
    for (Handler h : Logger.getLogger("").getHandlers()) {
      rootFormatters.put(h, h.getFormatter());
    }
  }

  @AfterEach
  void restore() {
    addedToRoot.forEach(Logger.getLogger("")::removeHandler);
    rootFormatters.forEach(Handler::setFormatter);
    if (configFile == null) {
      System.clearProperty(CONFIG_FILE);
    } else {
      System.setProperty(CONFIG_FILE, configFile);
    }
  }

  @Test
  void format_isOneLineWithUtcMillisecondsLevelLoggerAndMessage() {
    LogRecord r = record(Level.INFO, "p11ca.access", "127.0.0.1 \"CN=alice\" \"POST /ca/ee/ca/profileSubmitCMCFull"
        + " HTTP/1.1\" 200 2100 3900 12ms");
    r.setInstant(Instant.parse("2026-12-07T07:43:32.120456Z"));
    assertEquals("2026-12-07T07:43:32.120Z INFO p11ca.access: 127.0.0.1 \"CN=alice\" \"POST"
        + " /ca/ee/ca/profileSubmitCMCFull HTTP/1.1\" 200 2100 3900 12ms" + NL, new OneLineLogFormat().format(r));
  }

  @Test
  void format_keepsTheMillisecondsWhenTheyAreZero_andFillsInParameters() {
    LogRecord r = record(Level.WARNING, "org.p11ca.server", "token {0} answered {1}");
    r.setParameters(new Object[] {"ca", "CKR_DEVICE_ERROR"});
    r.setInstant(Instant.parse("2026-01-02T03:04:05Z"));
    assertEquals("2026-01-02T03:04:05.000Z WARNING org.p11ca.server: token ca answered CKR_DEVICE_ERROR" + NL,
        new OneLineLogFormat().format(r));
  }

  @Test
  void format_lineBreaksInTheMessage_areEscaped_soARecordCannotFakeAnother() {
    LogRecord r = record(Level.WARNING, "org.p11ca.server", "refused 'x\r\n2026-12-07T00:00:00.000Z INFO p11ca.access:"
        + " forged'");
    r.setInstant(Instant.parse("2026-12-07T00:00:00Z"));
    assertEquals("2026-12-07T00:00:00.000Z WARNING org.p11ca.server: refused 'x\\r\\n2026-12-07T00:00:00.000Z INFO"
        + " p11ca.access: forged'" + NL, new OneLineLogFormat().format(r));
  }

  @Test
  void format_withAThrowable_appendsItsStackTraceAfterTheLine() {
    LogRecord r = record(Level.SEVERE, "org.p11ca.server", "request failed");
    r.setInstant(Instant.parse("2026-12-07T00:00:00.001Z"));
    r.setThrown(new IllegalStateException("boom"));
    String[] lines = new OneLineLogFormat().format(r).split("\\R");
    assertEquals("2026-12-07T00:00:00.001Z SEVERE org.p11ca.server: request failed", lines[0]);
    assertEquals("java.lang.IllegalStateException: boom", lines[1]);
    assertTrue(lines[2].strip().startsWith("at org.p11ca.server.OneLineLogFormatTest."), lines[2]);
  }

  @Test
  void installOnConsole_givesTheRootConsoleHandlersThisFormat() {
    ConsoleHandler console = rootConsoleHandler();
    OneLineLogFormat.installOnConsole();
    assertTrue(console.getFormatter() instanceof OneLineLogFormat);
  }

  @Test
  void installOnConsole_leavesAnOperatorsOwnLoggingConfigurationAlone() {
    ConsoleHandler console = rootConsoleHandler();
    Formatter theirs = new SimpleFormatter();
    console.setFormatter(theirs);
    System.setProperty(CONFIG_FILE, "/etc/p11ca/logging.properties");
    OneLineLogFormat.installOnConsole();
    assertSame(theirs, console.getFormatter());
  }

  private ConsoleHandler rootConsoleHandler() {
    ConsoleHandler console = new ConsoleHandler();
    console.setFormatter(new SimpleFormatter());
    console.setLevel(Level.OFF);
    Logger.getLogger("").addHandler(console);
    addedToRoot.add(console);
    return console;
  }

  private static LogRecord record(Level level, String logger, String message) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName(logger);
    return r;
  }
}
