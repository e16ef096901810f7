package org.p11ca.ca.repository;

import java.time.Instant;
import java.util.Objects;

/** A signed CRL as stored: its CRL number (RFC 5280 5.2.3), its validity, and its DER. */
public record StoredCrl(long number, Instant thisUpdate, Instant nextUpdate, byte[] der) {
  public StoredCrl {
    if (number <= 0) {
      throw new IllegalArgumentException("a CRL number is positive, not " + number);
    }
    Objects.requireNonNull(thisUpdate);
    Objects.requireNonNull(nextUpdate);
    der = der.clone();
  }

  @Override
  public byte[] der() {
    return der.clone();
  }
}
