package org.p11ca.bench.cmc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.p11ca.hsm.SigningTally;
import org.p11ca.server.CaInstance;
import org.p11ca.server.OneLineLogFormat;
import org.p11ca.server.config.ServerConfig;
import org.p11ca.server.config.ServerConfigLoader;

/**
 * The child side of {@link ServerProcess}: starts the server's composition root on the config, announces the bound
 * port on stdout, answers {@link #SIGNING_TALLY} lines on stdin with the token's signing tally, and stops it
 * gracefully when stdin closes (the parent ended, normally or not).
 */
public final class CmcServerMain {

  public static final String COMMAND = "cmc-server";
  static final String READY = "bench-server: ready";
  /** A line on stdin that asks for the token's {@link SigningTally}; stdin's end stops the server. */
  static final String SIGNING_TALLY = "signing-tally";
  static final String TALLY_REPLY = "bench-server: signing-tally";
  private static final Pattern TALLY = Pattern.compile(
      "^" + TALLY_REPLY + " signatures=(\\d+) wall_ns=(\\d+) thread_cpu_ns=(\\d+)$");

  private CmcServerMain() {
  }

  /** @param results the real stdout; the libraries' console output has been moved off it */
  public static int run(String[] args, PrintStream results) {
    if (args.length != 1) {
      System.err.println("usage: java -jar p11ca-bench.jar " + COMMAND + " <config.yaml>");
      return 2;
    }
    // As p11ca's own main does, so the bench measures the server's logging as operators run it.
    OneLineLogFormat.installOnConsole();
    ServerConfig config = ServerConfigLoader.load(Path.of(args[0]));
    CaInstance ca;
    try {
      ca = CaInstance.start(config, Clock.systemUTC());
    } catch (Exception e) {
      System.err.println("bench cmc-server: cannot start: " + e);
      return 1;
    }
    results.println(READY + " port=" + ca.port());
    results.flush();
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    try {
      for (String command = commands.readLine(); command != null; command = commands.readLine()) {
        if (command.equals(SIGNING_TALLY)) {
          results.println(tallyLine(ca.signingTally()));
          results.flush();
        }
      }
    } catch (IOException e) {
      // The parent is gone: stop as well.
    }
    ca.close();
    return 0;
  }

  /** The answer to {@link #SIGNING_TALLY}: one line on stdout. */
  static String tallyLine(Optional<SigningTally> tally) {
    return tally.map(t -> TALLY_REPLY + " signatures=" + t.signatures() + " wall_ns=" + t.wallNanos()
        + " thread_cpu_ns=" + t.threadCpuNanos()).orElse(TALLY_REPLY + " none");
  }

  /**
   * The tally in a line the server wrote; empty for "none".
   *
   * @throws IllegalArgumentException when the line is no tally at all
   */
  static Optional<SigningTally> parseTallyLine(String line) {
    if (line.equals(TALLY_REPLY + " none")) {
      return Optional.empty();
    }
    Matcher m = TALLY.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a signing tally from the bench server: " + line);
    }
    return Optional.of(new SigningTally(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
        Long.parseLong(m.group(3))));
  }
}
