package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.p11ca.hsm.SigningTally;

class CmcServerMainTest {

  @Test
  void tallyLine_isReadBackAsTheSameTally() {
    SigningTally tally = new SigningTally(12_345, 9_876_543_210L, 8_765_432_109L);
    String line = CmcServerMain.tallyLine(Optional.of(tally));
    assertEquals("bench-server: signing-tally signatures=12345 wall_ns=9876543210 thread_cpu_ns=8765432109", line);
    assertEquals(Optional.of(tally), CmcServerMain.parseTallyLine(line));
  }

  @Test
  void tallyLine_withoutThreadCpuTimeSaysNone() {
    assertEquals(Optional.empty(), CmcServerMain.parseTallyLine(CmcServerMain.tallyLine(Optional.empty())));
  }

  @Test
  void parseTallyLine_refusesAnythingElse() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CmcServerMain.parseTallyLine("bench-server: ready port=8443"));
    assertEquals("not a signing tally from the bench server: bench-server: ready port=8443", e.getMessage());
  }
}
