package org.p11ca.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class SerialNumbersTest {

  @Test
  void serialsArePositiveWithMoreThan64BitsAndAtMost127() {
    SerialNumbers serials = new SerialNumbers(new SecureRandom());
    int longest = 0;
    for (int i = 0; i < 1000; i++) {
      BigInteger s = serials.next();
      assertEquals(1, s.signum());
      assertTrue(s.bitLength() <= 127, s.toString(16));
      longest = Math.max(longest, s.bitLength());
    }
    assertTrue(longest > 64);
  }

  @Test
  void topBitIsClearedSoTheDerIntegerStaysPositiveIn16Bytes() {
    BigInteger s = new SerialNumbers(new SequenceRandom(List.of(0xff))).next();
    assertEquals(new BigInteger("7fffffffffffffffffffffffffffffff", 16), s);
    assertEquals(16, s.toByteArray().length);
  }

  @Test
  void zeroIsNeverReturned() {
    BigInteger s = new SerialNumbers(new SequenceRandom(List.of(0x00, 0x01))).next();
    assertEquals(new BigInteger("01010101010101010101010101010101", 16), s);
  }
}
