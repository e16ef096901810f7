package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;

/** The one stored form of a serial: lowercase hex without leading zeros, so equal serials are equal strings. */
final class SerialHex {

  /** RFC 5280 section 4.1.2.2: a positive integer of at most 20 octets. */
  private static final int MAX_BITS = 160;

  private SerialHex() {
  }

  static String of(BigInteger serial) {
    if (serial.signum() <= 0 || serial.bitLength() > MAX_BITS) {
      throw new IllegalArgumentException("a serial must be positive and at most 20 octets (RFC 5280 4.1.2.2), not "
          + serial.toString(16));
    }
    return serial.toString(16).toLowerCase(Locale.ROOT);
  }

  /**
   * The stored form to look {@code serial} up by, or empty when it is no serial RFC 5280 allows: a serial read from a
   * request (a revokeRequest, a signer identifier) can be anything, and no row holds one out of range.
   */
  static Optional<String> lookup(BigInteger serial) {
    return serial.signum() <= 0 || serial.bitLength() > MAX_BITS ? Optional.empty() : Optional.of(of(serial));
  }

  static BigInteger parse(String hex) {
    return new BigInteger(hex, 16);
  }
}
