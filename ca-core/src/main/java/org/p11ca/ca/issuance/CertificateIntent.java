package org.p11ca.ca.issuance;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * What the CA is about to sign under a serial, recorded with the reservation before the token signs: the decided
 * fields, and the DER TBSCertificate itself, which is exactly what the token will sign.
 */
public record CertificateIntent(Optional<Long> requestId, String profileId, X500Name subject,
    SubjectPublicKeyInfo publicKey, Instant notBefore, Instant notAfter, byte[] tbsCertificate) {

  public CertificateIntent {
    Objects.requireNonNull(requestId);
    Objects.requireNonNull(profileId);
    Objects.requireNonNull(subject);
    Objects.requireNonNull(publicKey);
    Objects.requireNonNull(notBefore);
    Objects.requireNonNull(notAfter);
    tbsCertificate = tbsCertificate.clone();
  }

  @Override
  public byte[] tbsCertificate() {
    return tbsCertificate.clone();
  }
}
