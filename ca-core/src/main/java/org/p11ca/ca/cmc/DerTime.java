package org.p11ca.ca.cmc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.x509.Time;

/**
 * The time of an X.509 validity (RFC 5280 section 4.1.2.5) or a CMS signingTime (RFC 5652 section 11.3): UTCTime
 * for the years 1950 to 2049, GeneralizedTime otherwise, to the second, in UTC with "Z".
 *
 * <p>Formatted with java.time and handed to Bouncy Castle as DER: its constructors from a {@code Date} format with a
 * fresh SimpleDateFormat and then parse their own output back, which was about a twentieth of the Java time of an
 * issuance (notBefore, notAfter and the response's signingTime).
 */
public final class DerTime {

  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("uuMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("uuuuMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  private DerTime() {
  }

  /**
   * The instant an X.509 Time names. The two forms RFC 5280 4.1.2.5 allows in a certificate (YYMMDDHHMMSSZ as
   * UTCTime, YYYYMMDDHHMMSSZ as GeneralizedTime) are read here; any other (fractions, offsets, a BER form) goes to
   * Bouncy Castle, whose parser builds a SimpleDateFormat each time.
   *
   * @throws IllegalStateException as {@link Time#getDate()} does, for a time that does not parse
   */
  public static Instant instant(Time time) {
    ASN1Primitive value = time.toASN1Primitive();
    boolean utcTime = value instanceof ASN1UTCTime;
    int digits = utcTime ? 12 : 14;
    try {
      byte[] der = value.getEncoded(ASN1Encoding.DER);
      if (der.length == 2 + digits + 1 && der[1] == digits + 1 && der[der.length - 1] == 'Z'
          && allDigits(der, 2, digits)) {
        int at = 2;
        int year = utcTime ? 1900 + number(der, at, 2) : number(der, at, 4);
        if (utcTime && year < 1950) {
          year += 100;
        }
        at += utcTime ? 2 : 4;
        return LocalDateTime.of(year, number(der, at, 2), number(der, at + 2, 2), number(der, at + 4, 2),
            number(der, at + 6, 2), number(der, at + 8, 2)).toInstant(ZoneOffset.UTC);
      }
    } catch (IOException | DateTimeException notTheUsualForm) {
      // Bouncy Castle decides, below.
    }
    return time.getDate().toInstant();
  }

  private static boolean allDigits(byte[] b, int from, int count) {
    for (int i = from; i < from + count; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static int number(byte[] b, int from, int count) {
    int n = 0;
    for (int i = from; i < from + count; i++) {
      n = n * 10 + (b[i] - '0');
    }
    return n;
  }

  /**
   * {@code instant}, its fraction of a second dropped, as UTCTime or GeneralizedTime.
   *
   * @throws IllegalArgumentException for a year GeneralizedTime cannot hold (before 0 or after 9999)
   */
  public static ASN1Primitive of(Instant instant) {
    int year = instant.atOffset(ZoneOffset.UTC).getYear();
    if (year < 0 || year > 9999) {
      throw new IllegalArgumentException("year " + year + " has no four-digit GeneralizedTime");
    }
    boolean utcTime = year >= 1950 && year < 2050;
    byte[] text = (utcTime ? UTC_TIME : GENERALIZED_TIME).format(instant).getBytes(StandardCharsets.US_ASCII);
    byte[] der = new byte[2 + text.length];
    der[0] = (byte) (utcTime ? BERTags.UTC_TIME : BERTags.GENERALIZED_TIME);
    der[1] = (byte) text.length;
    System.arraycopy(text, 0, der, 2, text.length);
    return utcTime ? ASN1UTCTime.getInstance(der) : ASN1GeneralizedTime.getInstance(der);
  }
}
