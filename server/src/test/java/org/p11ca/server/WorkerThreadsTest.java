package org.p11ca.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkerThreadsTest {

  @Test
  void maxThreads_isThreeRequestsPerTokenSessionPlusJettysOwnThreadsAndHeadroom() {
    assertEquals(3 * 8 + 1 + 1 + 4, WorkerThreads.maxThreads(8));
    assertEquals(3 * 1 + 1 + 1 + 4, WorkerThreads.maxThreads(1));
  }

  @Test
  void minThreads_neverExceedsMax() {
    for (int sessions = 1; sessions < 40; sessions++) {
      assertTrue(WorkerThreads.minThreads(sessions) <= WorkerThreads.maxThreads(sessions));
    }
  }

  @Test
  void noSessions_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> WorkerThreads.maxThreads(0));
  }
}
