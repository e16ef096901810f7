package org.p11ca.ca.issuance;

import java.time.Instant;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** What the CA is about to sign under a serial, recorded with the reservation before the token signs. */
public record CertificateIntent(String profileId, X500Name subject, SubjectPublicKeyInfo publicKey,
    Instant notBefore, Instant notAfter) {
  public CertificateIntent {
    Objects.requireNonNull(profileId);
    Objects.requireNonNull(subject);
    Objects.requireNonNull(publicKey);
    Objects.requireNonNull(notBefore);
    Objects.requireNonNull(notAfter);
  }
}
