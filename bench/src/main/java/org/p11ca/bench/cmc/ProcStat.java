package org.p11ca.bench.cmc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a Linux {@code /proc/<pid>/task/<tid>/stat} line (proc(5)). */
final class ProcStat {

  /** USER_HZ, the unit of utime and stime: 100 on every Linux architecture the JDK runs on. */
  static final long NANOS_PER_TICK = 10_000_000L;

  private ProcStat() {
  }

  /**
   * utime + stime (fields 14 and 15). The command name (field 2) is in parentheses and may itself hold spaces and
   * parentheses, so the fields are counted from the last ')'.
   */
  static long userPlusSystemTicks(String statLine) {
    String[] after = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split(" ");
    // after[0] is field 3 (state), so field n is after[n - 3].
    return Long.parseLong(after[14 - 3]) + Long.parseLong(after[15 - 3]);
  }

  /**
   * CPU time so far of a JVM's JIT compiler threads (C1 and C2), from /proc; empty where there is no /proc (the bench
   * then cannot tell when the CA's code has settled).
   */
  static Optional<Long> compilerCpuNanos(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return Optional.empty();
    }
    long ticks = 0;
    try (var threads = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) threads::iterator) {
        try {
          // HotSpot names them "C1 CompilerThread0", "C2 CompilerThread1", ... (comm keeps 15 characters).
          if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
            ticks += userPlusSystemTicks(Files.readString(task.resolve("stat")));
          }
        } catch (IOException gone) {
          // The thread ended between the listing and the read: compiler threads come and go.
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(ticks * NANOS_PER_TICK);
  }
}
