package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MachineCpuTest {

  @Test
  void parse_sumsBusyFieldsAndKeepsIdleAndStealApart() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    MachineCpu.Ticks t = MachineCpu.parse("cpu  268252 7 25973 1847601 2693 11 2250 3617 40 0");
    assertEquals(268252 + 7 + 25973 + 11 + 2250, t.busy(), "guest is inside user already, so not added again");
    assertEquals(1847601 + 2693, t.idle());
    assertEquals(3617, t.steal());
  }

  @Test
  void parse_refusesAPerCpuLine() {
    assertThrows(IllegalArgumentException.class,
        () -> MachineCpu.parse("cpu0 134041 0 11780 926687 776 0 542 1728 0 0"));
  }

  @Test
  void minus_givesTheTicksBetweenTwoReadings() {
    MachineCpu.Ticks later = new MachineCpu.Ticks(500, 300, 20);
    assertEquals(new MachineCpu.Ticks(100, 200, 5), later.minus(new MachineCpu.Ticks(400, 100, 15)));
  }

  @Test
  void now_readsThisMachinesCounters() {
    MachineCpu.Ticks first = MachineCpu.now().orElseThrow();
    // Burn a little CPU so that busy ticks must move (USER_HZ is 100: 10 ms per tick).
    long until = System.nanoTime() + 50_000_000L;
    long x = 0;
    while (System.nanoTime() < until) {
      x += Long.numberOfTrailingZeros(x + 1);
    }
    MachineCpu.Ticks delta = MachineCpu.now().orElseThrow().minus(first);
    assertTrue(delta.busy() > 0, "busy ticks after 50 ms of work: " + delta + " (" + x + ")");
    assertTrue(delta.idle() >= 0 && delta.steal() >= 0, delta.toString());
  }
}
