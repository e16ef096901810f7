package org.p11ca.ca.profile;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

/**
 * Where relying parties find the CRL (cRLDistributionPoints, RFC 5280 4.2.1.13) and the OCSP responder and issuer
 * certificate (authorityInfoAccess, RFC 5280 4.2.2.1); each is put in a certificate only when configured.
 */
public record CertificateLocations(Optional<URI> crlDistributionPoint, Optional<URI> ocsp,
    Optional<URI> caIssuers) {

  public static CertificateLocations none() {
    return new CertificateLocations(Optional.empty(), Optional.empty(), Optional.empty());
  }

  static CertificateLocations fromConfig(String crl, ProfileConfig.AuthorityInfoAccess aia) {
    return new CertificateLocations(crlUrl("crlDistributionPoint", crl),
        ocspUrl("authorityInfoAccess.ocsp", aia == null ? null : aia.ocsp()),
        caIssuersUrl("authorityInfoAccess.caIssuers", aia == null ? null : aia.caIssuers()));
  }

  // RFC 5280 4.2.1.13 and 4.2.2.1: the name is a uniformResourceIdentifier, and relying parties fetch http (and
  // ldap for CRLs and caIssuers). OCSP is spoken over HTTP (RFC 6960 appendix A).

  /** @throws IllegalArgumentException "FIELD 'TEXT' must be ..." for a URL a relying party cannot fetch a CRL from */
  public static Optional<URI> crlUrl(String field, String text) {
    return url(field, text, Set.of("http", "ldap"));
  }

  /** @throws IllegalArgumentException "FIELD 'TEXT' must be ..." for a URL that is not an OCSP responder's */
  public static Optional<URI> ocspUrl(String field, String text) {
    return url(field, text, Set.of("http", "https"));
  }

  /** @throws IllegalArgumentException "FIELD 'TEXT' must be ..." for a URL a relying party cannot fetch from */
  public static Optional<URI> caIssuersUrl(String field, String text) {
    return url(field, text, Set.of("http", "ldap"));
  }

  /**
   * These locations, each one this profile does not name taken from {@code defaults} (the server's
   * {@code locations} section): a profile's own URL always wins.
   */
  public CertificateLocations orElse(CertificateLocations defaults) {
    return new CertificateLocations(crlDistributionPoint.or(defaults::crlDistributionPoint), ocsp.or(defaults::ocsp),
        caIssuers.or(defaults::caIssuers));
  }

  private static Optional<URI> url(String field, String text, Set<String> schemes) {
    if (text == null) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw FieldError.of(field, text, "is not a URL (RFC 3986)");
    }
    if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))
        || uri.getHost() == null) {
      throw FieldError.of(field, text, "must be an absolute URL with a host and scheme " + String.join(" or ",
          schemes.stream().sorted().toList()) + " (RFC 5280 4.2.1.13, 4.2.2.1)");
    }
    return Optional.of(uri);
  }
}
