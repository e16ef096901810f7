package org.p11ca.ca.issuance;

import java.math.BigInteger;

/**
 * The port through which issuance claims a serial number before signing. The repository implements it over a
 * unique database constraint, so uniqueness holds across processes; recording the intent with the serial means a
 * crash between signing and storing still leaves a row that can be found and revoked (Boulder's issuance cycle).
 */
public interface SerialReservation {

  /**
   * Claims {@code serial} for {@code intent}, durably, before the certificate is signed.
   *
   * @return false when the serial is already taken (the issuer then draws another); true once it is reserved
   */
  boolean reserve(BigInteger serial, CertificateIntent intent);

  /**
   * Records the signed, verified certificate of a reserved serial; {@code intent} is what was reserved under it, so
   * its fields (the validity among them) are the certificate's and need not be read back out of its DER.
   */
  void issued(BigInteger serial, CertificateIntent intent, org.bouncycastle.cert.X509CertificateHolder certificate);
}
