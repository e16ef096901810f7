package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;

/**
 * A certificate named the way RFC 5280 makes it unique: issuer and serial. The issuer DN is kept in RFC 2253
 * canonical form, so "CN=CA, O=Example" and "cn=ca,o=example" name the same issuer.
 */
public record CertificateId(String issuerDn, BigInteger serial) {

  /** Bounds {@link #CANONICAL}; when full it starts over. Issuer names are few: this CA's, and a handful more. */
  private static final int CANONICAL_LIMIT = 1024;

  /** Parsing a DN and printing it canonically, twice per CMC request, was ~2 % of an issuance's Java time. */
  private static final Map<String, String> CANONICAL = new ConcurrentHashMap<>();

  public CertificateId {
    issuerDn = canonical(Objects.requireNonNull(issuerDn));
    SerialHex.of(serial);
  }

  private static String canonical(String dn) {
    String known = CANONICAL.get(dn);
    if (known != null) {
      return known;
    }
    String canonical = new X500Principal(dn).getName(X500Principal.CANONICAL);
    if (CANONICAL.size() >= CANONICAL_LIMIT) {
      CANONICAL.clear();
    }
    CANONICAL.put(dn, canonical);
    return canonical;
  }

  public static CertificateId of(X500Principal issuer, BigInteger serial) {
    return new CertificateId(issuer.getName(X500Principal.RFC2253), serial);
  }
}
