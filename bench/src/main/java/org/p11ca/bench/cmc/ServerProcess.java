package org.p11ca.bench.cmc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.p11ca.bench.Bench;
import org.p11ca.hsm.SigningTally;

/**
 * The real server (the composition root {@code CaInstance} on a YAML config) in a JVM of its own, as it runs in
 * production, so that its CPU time and the load generator's can be told apart. It is this jar run as
 * {@code cmc-server <config>} ({@link CmcServerMain}); the user PIN reaches it through its environment only.
 * Closing its stdin stops it gracefully (final signed audit checkpoint, database closed).
 */
final class ServerProcess implements AutoCloseable {

  static final String PIN_VARIABLE = "P11CA_BENCH_PIN";
  /**
   * Extra JVM options for the server, whitespace-separated: for diagnosis only (a JFR recording, or trying a
   * setting before recommending it). The run prints them, so its figures are never mistaken for the default's.
   */
  static final String JAVA_OPTIONS_VARIABLE = "P11CA_BENCH_SERVER_JAVA_OPTS";
  private static final Pattern READY = Pattern.compile("^" + CmcServerMain.READY + " port=(\\d+)$");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final int port;
  private final Path log;
  /** The server's stdout after the ready line: only answers to what is asked on its stdin. */
  private final BufferedReader answers;
  private final Writer commands;

  private ServerProcess(Process process, int port, Path log, BufferedReader answers) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.answers = answers;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
  }

  static ServerProcess start(Path config, char[] pin, Path log) throws IOException {
    List<String> command = new java.util.ArrayList<>();
    command.add(javaExecutable());
    command.addAll(extraJavaOptions());
    command.addAll(List.of("-jar", thisJar().toString(), CmcServerMain.COMMAND, config.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    builder.environment().put(PIN_VARIABLE, new String(pin));
    java.util.Arrays.fill(pin, '\0');
    Process p = builder.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // readLine blocks; a server that never answers is killed by the timeout thread below.
    Thread watchdog = new Thread(() -> {
      try {
        if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-server-start-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      Matcher m = READY.matcher(line.trim());
      if (m.matches()) {
        watchdog.interrupt();
        return new ServerProcess(p, Integer.parseInt(m.group(1)), log, out);
      }
    }
    p.destroyForcibly();
    throw new IOException("the server did not start; the end of " + log + ":\n" + tail(log));
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** CPU time so far of the server JVM's JIT compiler threads ({@link ProcStat#compilerCpuNanos}). */
  Optional<Long> compilerCpuNanos() {
    return ProcStat.compilerCpuNanos(process.pid());
  }

  /** The server JVM's CPU time so far (all its threads), from the OS. */
  long cpuNanos() {
    return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  /**
   * The server token's signing tally so far ({@link CmcServerMain#SIGNING_TALLY}); empty when the server cannot
   * tell (no thread CPU time in its JVM).
   *
   * @throws IllegalStateException when the server does not answer (it has stopped)
   */
  synchronized Optional<SigningTally> signingTally() {
    try {
      commands.write(CmcServerMain.SIGNING_TALLY + "\n");
      commands.flush();
      String line = answers.readLine();
      if (line == null) {
        throw new IllegalStateException("the server stopped; see " + log);
      }
      return CmcServerMain.parseTallyLine(line);
    } catch (IOException e) {
      throw new IllegalStateException("cannot ask the server for its signing tally: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      commands.close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        System.err.println("bench cmc: the server did not stop within 60 s; killing it");
        process.destroyForcibly();
      } else if (process.exitValue() != 0) {
        System.err.println("bench cmc: the server exited with " + process.exitValue() + "; see " + log);
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  static List<String> extraJavaOptions() {
    String value = System.getenv(JAVA_OPTIONS_VARIABLE);
    return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Path thisJar() {
    try {
      Path jar = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException("bench cmc runs from its jar (bench/target/p11ca-bench.jar), not " + jar);
      }
      return jar;
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the bench jar", e);
    }
  }
}
