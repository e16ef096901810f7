package org.p11ca.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The server's java.util.logging lines (the access log {@code p11ca.access} and everything logged through
 * {@code System.Logger}): one line per record, {@code <UTC time to the millisecond> <LEVEL> <logger>: <message>},
 * followed by the stack trace when the record carries one. A line break inside the message is written escaped.
 *
 * <p>JUL's default SimpleFormatter writes two lines per record (date and calling method, then level and message) in
 * the local time zone: an access log of two lines per request, which grep and log shippers handle badly.
 */
public final class OneLineLogFormat extends Formatter {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * Gives the root logger's console handlers this format, unless the operator configured JUL themselves
   * ({@code java.util.logging.config.file} or {@code .class}): their configuration wins.
   */
  public static void installOnConsole() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      if (handler instanceof ConsoleHandler) {
        handler.setFormatter(new OneLineLogFormat());
      }
    }
  }

  /**
   * Line breaks in a message written as a backslash and n or r: messages quote what requests said (names,
   * reasons), and a line break there would start what reads as a record of its own.
   */
  static String oneLine(String message) {
    if (message == null || (message.indexOf('\n') < 0 && message.indexOf('\r') < 0)) {
      return message;
    }
    return message.replace("\r", "\\r").replace("\n", "\\n");
  }

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder(200);
    TIME.formatTo(record.getInstant(), line);
    line.append(' ').append(record.getLevel().getName()).append(' ').append(record.getLoggerName()).append(": ")
        .append(oneLine(formatMessage(record))).append(System.lineSeparator());
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.append(trace);
    }
    return line.toString();
  }
}
