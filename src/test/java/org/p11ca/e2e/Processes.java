package org.p11ca.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's scripts and the independent checkers (openssl, pkcs11-tool) as a user would. */
final class Processes {
  private Processes() {
  }

  record Result(int exitCode, String stdout, String stderr) {
    Result requireSuccess() {
      if (exitCode != 0) {
        throw new AssertionError("exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return this;
    }
  }

  static Path repo() {
    return Path.of(System.getProperty("p11ca.repo", "..")).toAbsolutePath().normalize();
  }

  static Result run(Map<String, String> env, String stdin, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo().toFile());
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      // Drain stderr alongside stdout so neither pipe can fill up and stall the child.
      var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return p.getErrorStream().readAllBytes();
        } catch (IOException e) {
          return new byte[0];
        }
      });
      var out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + command, e);
    }
  }

  static Result run(Map<String, String> env, String... command) {
    return run(env, null, List.of(command));
  }
}
