package org.p11ca.ca.issuance;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** A SecureRandom for tests that fills each request with the next byte value given, repeated. */
final class SequenceRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;

  private final Deque<Integer> fills;

  SequenceRandom(List<Integer> fills) {
    this.fills = new ArrayDeque<>(fills);
  }

  @Override
  public synchronized void nextBytes(byte[] bytes) {
    int fill = fills.isEmpty() ? 0x42 : fills.removeFirst();
    java.util.Arrays.fill(bytes, (byte) fill);
  }
}
