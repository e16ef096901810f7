package org.p11ca.bench.cmc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The whole machine's CPU time from the aggregate {@code cpu} line of Linux {@code /proc/stat} (proc(5)), so a round
 * can say where the cores went beyond the two processes it knows of: other processes on the host, idle cores, and
 * time the hypervisor gave to other guests (steal).
 */
final class MachineCpu {

  private static final Path PROC_STAT = Path.of("/proc/stat");

  private MachineCpu() {
  }

  /**
   * Clock ticks (USER_HZ) summed over all CPUs.
   *
   * @param busy user + nice + system + irq + softirq (guest time is already inside user)
   * @param idle idle + iowait: a core with nothing runnable, waiting on a disk or not
   * @param steal runnable, but the hypervisor ran another guest
   */
  record Ticks(long busy, long idle, long steal) {

    Ticks minus(Ticks earlier) {
      return new Ticks(busy - earlier.busy, idle - earlier.idle, steal - earlier.steal);
    }
  }

  /** The machine's ticks so far; empty where there is no /proc/stat to read. */
  static Optional<Ticks> now() {
    try {
      for (String line : Files.readAllLines(PROC_STAT, StandardCharsets.US_ASCII)) {
        if (line.startsWith("cpu ")) {
          return Optional.of(parse(line));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Parses the aggregate line: {@code cpu user nice system idle iowait irq softirq steal [guest guest_nice]}. */
  static Ticks parse(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!f[0].equals("cpu") || f.length < 9) {
      throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: " + cpuLine);
    }
    long user = Long.parseLong(f[1]);
    long nice = Long.parseLong(f[2]);
    long system = Long.parseLong(f[3]);
    long idle = Long.parseLong(f[4]);
    long iowait = Long.parseLong(f[5]);
    long irq = Long.parseLong(f[6]);
    long softirq = Long.parseLong(f[7]);
    long steal = Long.parseLong(f[8]);
    return new Ticks(user + nice + system + irq + softirq, idle + iowait, steal);
  }
}
