package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.util.Objects;

/** A revoked serial and its revocation, without the certificate: what a CRL entry needs (RFC 5280 5.1.2.6). */
public record RevokedCertificate(BigInteger serial, Revocation revocation) {
  public RevokedCertificate {
    Objects.requireNonNull(serial);
    Objects.requireNonNull(revocation);
  }
}
