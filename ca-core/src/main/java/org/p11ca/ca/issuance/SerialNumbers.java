package org.p11ca.ca.issuance;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Random certificate serial numbers: 16 bytes with the top bit cleared, so 127 bits of entropy (CA/B Forum BR
 * 7.1 asks for at least 64, which makes serials unpredictable to anyone preparing a chosen-prefix collision), a
 * positive INTEGER of at most 20 octets (RFC 5280 4.1.2.2) and never zero.
 */
public final class SerialNumbers {

  static final int SERIAL_BYTES = 16;

  private final SecureRandom random;

  public SerialNumbers(SecureRandom random) {
    this.random = Objects.requireNonNull(random);
  }

  public BigInteger next() {
    byte[] bytes = new byte[SERIAL_BYTES];
    BigInteger serial;
    do {
      random.nextBytes(bytes);
      bytes[0] &= 0x7f;
      serial = new BigInteger(1, bytes);
    } while (serial.signum() == 0);
    return serial;
  }
}
