package org.p11ca.server;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.p11ca.server.config.ServerConfig;
import org.p11ca.server.config.ServerConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code p11ca serve --config <file>}: start the CA and serve until SIGTERM or SIGINT, then stop gracefully (requests
 * in flight finish, the audit log signs its final checkpoint) and exit 0. Prints
 * {@code p11ca: listening on https://<host>:<port>} on stdout once it accepts connections.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Runs the CA's HTTPS server (Dogtag-compatible CMC endpoints).")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "<file.yaml>", description = "the server's YAML config")
  Path config;

  @Override
  public Integer call() throws Exception {
    ServerConfig settings = ServerConfigLoader.load(config);
    CaInstance ca = CaInstance.start(settings, Clock.systemUTC());
    Thread hook = new Thread(ca::close, "p11ca-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    ca.announce(System.out, settings);
    ca.awaitClosed();
    return 0;
  }
}
