package org.p11ca.bench.hsm;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * AES-GCM IVs that never repeat under the run's one AES key, across backends and threads: a random 4-byte field and
 * a 64-bit counter, the deterministic construction of NIST SP 800-38D section 8.2.1. Even a benchmark must not
 * repeat a GCM IV: the habit is how real code ends up doing it.
 */
final class GcmNonceSequence {

  private final int fixedField = new SecureRandom().nextInt();
  private final AtomicLong counter = new AtomicLong();

  byte[] next() {
    return ByteBuffer.allocate(12).putInt(fixedField).putLong(counter.incrementAndGet()).array();
  }
}
