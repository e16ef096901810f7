package org.p11ca.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SigningTallyTest {

  @Test
  void since_isWhatWasTalliedBetweenTwoReadings() {
    SigningTally earlier = new SigningTally(10, 9_000, 8_000);
    SigningTally later = new SigningTally(14, 13_500, 11_000);
    assertEquals(new SigningTally(4, 4_500, 3_000), later.since(earlier));
  }

  @Test
  void plus_addsEachCount() {
    assertEquals(new SigningTally(5, 700, 600), new SigningTally(2, 300, 200).plus(new SigningTally(3, 400, 400)));
  }

  @Test
  void since_aLaterReadingAsTheEarlierOneIsRefused() {
    SigningTally earlier = new SigningTally(10, 9_000, 8_000);
    SigningTally later = new SigningTally(14, 13_500, 11_000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> earlier.since(later));
    assertEquals("a tally cannot be negative: -4 signatures, -4500 ns wall, -3000 ns CPU", e.getMessage());
  }
}
