package org.p11ca.ca.issuance;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.ca.profile.Profile;

/**
 * What policy approved for issuance: identity proof, POP and the choice of profile are already done, so the issuer
 * only builds and signs. Issuance still enforces the profile's own rules (key constraints, subject policy).
 *
 * @param subject for a {@code FromSigner} profile, the CMC signer certificate's subject as policy took it; for
 *     {@code FromRequest}, the requested subject (the profile's suffix is appended at issuance)
 * @param requestedExtensions the extensions of the CSR or CRMF template; only those the profile allows are copied
 * @param requestId the recorded request this certificate answers, stored with the serial reservation
 */
public record ApprovedRequest(Profile profile, X500Name subject, SubjectPublicKeyInfo publicKey,
    List<Extension> requestedExtensions, Optional<Long> requestId) {

  public ApprovedRequest {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(publicKey, "publicKey");
    requestedExtensions = List.copyOf(requestedExtensions);
    Objects.requireNonNull(requestId, "requestId");
  }

  /** A request that was not recorded as such (tests, the CA's own certificates). */
  public ApprovedRequest(Profile profile, X500Name subject, SubjectPublicKeyInfo publicKey,
      List<Extension> requestedExtensions) {
    this(profile, subject, publicKey, requestedExtensions, Optional.empty());
  }
}
