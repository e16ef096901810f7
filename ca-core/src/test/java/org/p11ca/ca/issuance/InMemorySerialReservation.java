package org.p11ca.ca.issuance;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link SerialReservation} for tests: a map standing in for the repository's unique constraint. */
final class InMemorySerialReservation implements SerialReservation {

  private final Map<BigInteger, CertificateIntent> reserved = new LinkedHashMap<>();
  private final Map<BigInteger, org.bouncycastle.cert.X509CertificateHolder> issued = new LinkedHashMap<>();
  private int attempts;

  @Override
  public synchronized boolean reserve(BigInteger serial, CertificateIntent intent) {
    attempts++;
    return reserved.putIfAbsent(serial, intent) == null;
  }

  @Override
  public synchronized void issued(BigInteger serial, CertificateIntent intent,
      org.bouncycastle.cert.X509CertificateHolder certificate) {
    if (reserved.get(serial) != intent) {
      throw new AssertionError("issued serial " + serial + " was never reserved with this intent");
    }
    issued.put(serial, certificate);
  }

  synchronized Map<BigInteger, org.bouncycastle.cert.X509CertificateHolder> issued() {
    return Map.copyOf(issued);
  }

  synchronized Map<BigInteger, CertificateIntent> reserved() {
    return Map.copyOf(reserved);
  }

  /** How many times reserve was called, successful or not. */
  synchronized int attempts() {
    return attempts;
  }
}
