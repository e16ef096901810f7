package org.p11ca.bench.cmc;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import org.p11ca.server.CaInstance;
import org.p11ca.server.OneLineLogFormat;
import org.p11ca.server.config.ServerConfig;
import org.p11ca.server.config.ServerConfigLoader;

/**
 * The child side of {@link ServerProcess}: starts the server's composition root on the config, announces the bound
 * port on stdout, and stops it gracefully when stdin closes (the parent ended, normally or not).
 */
public final class CmcServerMain {

  public static final String COMMAND = "cmc-server";
  static final String READY = "bench-server: ready";

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
    try {
      while (System.in.read() >= 0) {
        // Wait for EOF.
      }
    } catch (IOException e) {
      // The parent is gone: stop as well.
    }
    ca.close();
    return 0;
  }
}
