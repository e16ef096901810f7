package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * A certificate named the way RFC 5280 makes it unique: issuer and serial. The issuer DN is kept in RFC 2253
 * canonical form, so "CN=CA, O=Example" and "cn=ca,o=example" name the same issuer.
 */
public record CertificateId(String issuerDn, BigInteger serial) {

  public CertificateId {
    issuerDn = new X500Principal(Objects.requireNonNull(issuerDn)).getName(X500Principal.CANONICAL);
    SerialHex.of(serial);
  }

  public static CertificateId of(X500Principal issuer, BigInteger serial) {
    return new CertificateId(issuer.getName(X500Principal.RFC2253), serial);
  }
}
