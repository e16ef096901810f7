package org.p11ca.bench.cmc;

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
}
