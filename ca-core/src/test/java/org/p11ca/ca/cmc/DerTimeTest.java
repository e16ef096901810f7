package org.p11ca.ca.cmc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DerTimeTest {

  /** UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5), to the second, in UTC. */
  @ParameterizedTest
  @CsvSource({
      "2026-12-07T02:41:09Z, 261207024109Z",
      "2026-12-07T02:41:09.999999999Z, 261207024109Z",
      "1950-01-01T00:00:00Z, 500101000000Z",
      "2049-12-31T23:59:59Z, 491231235959Z",
      "2050-01-01T00:00:00Z, 20500101000000Z",
      "1949-12-31T23:59:59Z, 19491231235959Z",
      "9999-12-31T23:59:59Z, 99991231235959Z",
      "0001-01-01T00:00:00Z, 00010101000000Z"})
  void of_writesTheRfc5280FormWithoutFraction(String instant, String expected) throws Exception {
    ASN1Primitive time = DerTime.of(Instant.parse(instant));
    Class<?> type = expected.length() == 13 ? ASN1UTCTime.class : ASN1GeneralizedTime.class;
    assertTrue(type.isInstance(time), time.getClass() + " for " + instant);
    assertEquals(expected, contents(time));
  }

  @ParameterizedTest
  @CsvSource({"2026-12-07T02:41:09Z", "2049-12-31T23:59:59Z", "2050-01-01T00:00:00Z", "1950-01-01T00:00:00Z",
      "1970-01-01T00:00:00Z", "2199-06-30T12:00:00Z"})
  void of_encodesAsBouncyCastlesTimeFromADate(String instant) throws IOException {
    Date date = Date.from(Instant.parse(instant));
    assertArrayEquals(new Time(date).getEncoded(ASN1Encoding.DER),
        new Time(DerTime.of(Instant.parse(instant))).getEncoded(ASN1Encoding.DER));
    assertArrayEquals(new org.bouncycastle.asn1.cms.Time(date).getEncoded(ASN1Encoding.DER),
        org.bouncycastle.asn1.cms.Time.getInstance(DerTime.of(Instant.parse(instant))).getEncoded(ASN1Encoding.DER));
  }

  @ParameterizedTest
  @CsvSource({"2026-12-07T02:41:09Z", "2049-12-31T23:59:59Z", "2050-01-01T00:00:00Z", "1950-01-01T00:00:00Z",
      "1949-12-31T23:59:59Z", "2000-02-29T12:00:00Z", "9999-12-31T23:59:59Z"})
  void instant_readsBackWhatOfWrote(String instant) {
    assertEquals(Instant.parse(instant), DerTime.instant(new Time(DerTime.of(Instant.parse(instant)))));
  }

  @ParameterizedTest
  @CsvSource({
      // forms a DER certificate should not hold, read by Bouncy Castle as before
      "20261207024109.5Z, 2026-12-07T02:41:09.500Z",
      "20261207034109+0100, 2026-12-07T02:41:09Z"})
  void instant_otherGeneralizedTimeForms_areReadByBouncyCastle(String text, String expected) {
    assertEquals(Instant.parse(expected), DerTime.instant(new Time(new ASN1GeneralizedTime(text))));
  }

  @Test
  void instant_impossibleDate_isReadAsBouncyCastleReadsIt() {
    Time february30 = new Time(ASN1UTCTime.getInstance(
        new byte[] {0x17, 13, '2', '6', '0', '2', '3', '0', '0', '0', '0', '0', '0', '0', 'Z'}));
    // Its SimpleDateFormat is lenient (the 2nd of March): the same answer as before this class read times.
    assertEquals(february30.getDate().toInstant(), DerTime.instant(february30));
  }

  private static String contents(ASN1Primitive time) throws IOException {
    byte[] der = time.getEncoded(ASN1Encoding.DER);
    assertEquals(der.length - 2, der[1], "short-form length");
    return new String(der, 2, der.length - 2, StandardCharsets.US_ASCII);
  }

  @Test
  void of_yearBeyondGeneralizedTime_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> DerTime.of(Instant.parse("+10000-01-01T00:00:00Z")));
  }
}
