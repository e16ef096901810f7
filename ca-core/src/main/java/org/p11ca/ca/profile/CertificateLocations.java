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
    // RFC 5280 4.2.1.13 and 4.2.2.1: the name is a uniformResourceIdentifier, and relying parties fetch http (and
    // ldap for CRLs and caIssuers). OCSP is spoken over HTTP only (RFC 6960 appendix A).
    return new CertificateLocations(
        url("crlDistributionPoint", crl, Set.of("http", "ldap")),
        url("authorityInfoAccess.ocsp", aia == null ? null : aia.ocsp(), Set.of("http", "https")),
        url("authorityInfoAccess.caIssuers", aia == null ? null : aia.caIssuers(), Set.of("http", "ldap")));
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
