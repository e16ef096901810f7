package org.p11ca.hsm.pkcs11.iaik;

import java.lang.System.Logger.Level;
import org.xipki.pkcs11.wrapper.Logger;

/**
 * Routes the IAIK wrapper's logging into the JDK's System.Logger. Left alone, the wrapper prints a line to stdout
 * for every C_OpenSession and C_Login; those per-call traces are demoted to DEBUG so a server's log and a CLI's
 * output stay clean, while its warnings and errors keep their level.
 */
final class IaikLogBridge implements Logger {

  private static final System.Logger LOG = System.getLogger("org.xipki.pkcs11.wrapper");

  @Override
  public void info(String format, Object... args) {
    log(Level.DEBUG, format, args);
  }

  @Override
  public void warn(String format, Object... args) {
    log(Level.WARNING, format, args);
  }

  @Override
  public void error(String format, Object... args) {
    log(Level.ERROR, format, args);
  }

  @Override
  public void debug(String format, Object... args) {
    log(Level.TRACE, format, args);
  }

  @Override
  public void trace(String format, Object... args) {
    log(Level.TRACE, format, args);
  }

  @Override
  public boolean isDebugEnabled() {
    return LOG.isLoggable(Level.TRACE);
  }

  @Override
  public boolean isInfoEnabled() {
    return LOG.isLoggable(Level.DEBUG);
  }

  @Override
  public boolean isWarnEnabled() {
    return LOG.isLoggable(Level.WARNING);
  }

  @Override
  public boolean isTraceEnabled() {
    return LOG.isLoggable(Level.TRACE);
  }

  private static void log(Level level, String format, Object... args) {
    if (LOG.isLoggable(level)) {
      // The wrapper formats with slf4j-style {} placeholders.
      StringBuilder sb = new StringBuilder();
      int arg = 0;
      int from = 0;
      int at;
      while ((at = format.indexOf("{}", from)) >= 0) {
        sb.append(format, from, at).append(arg < args.length ? args[arg++] : "{}");
        from = at + 2;
      }
      LOG.log(level, sb.append(format.substring(from)).toString());
    }
  }
}
