package org.p11ca.ca.profile;

/**
 * Whether the subjectAltName of the request is copied into the certificate (RFC 5280 4.2.1.6), and whether it must
 * hold a dNSName (a TLS server certificate is matched by it, RFC 6125 section 6.4).
 */
public record SubjectAltNamePolicy(boolean copyFromRequest, boolean requireDnsName) {

  public SubjectAltNamePolicy {
    if (requireDnsName && !copyFromRequest) {
      throw new FieldError("subjectAltName.requireDnsName", "needs copyFromRequest: true (the name comes from the"
          + " request)");
    }
  }

  public static SubjectAltNamePolicy none() {
    return new SubjectAltNamePolicy(false, false);
  }

  static SubjectAltNamePolicy fromConfig(ProfileConfig.SubjectAltName raw) {
    if (raw == null) {
      return none();
    }
    return new SubjectAltNamePolicy(Boolean.TRUE.equals(raw.copyFromRequest()),
        Boolean.TRUE.equals(raw.requireDnsName()));
  }
}
