package org.p11ca.ca.proof;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.p11ca.ca.cmc.DerTime;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.crypto.SignatureVerifiers;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.repository.CertificateRecord;
import org.p11ca.ca.repository.CertificateStatus;
import org.p11ca.ca.repository.CertificateStore;

/**
 * Decides whether the certificate that signed a CMC request is one this CA issued and still stands behind (RFC 5272
 * section 3.2.1 leaves signer trust to CA policy; this is Dogtag's CMCUserSignedAuth rule): issued by this CA (name
 * and signature), valid now, on record here as issued and not revoked, and allowed to sign (RFC 5280 4.2.1.3).
 * Every refusal is badIdentity: the signature may be fine, but it does not prove who the signer is.
 */
public final class SignerCertificateCheck {

  private final X509CertificateHolder caCertificate;
  private final ContentVerifierProvider caVerifier;
  private final CertificateStore certificates;
  private final Clock clock;

  public SignerCertificateCheck(X509CertificateHolder caCertificate, CertificateStore certificates, Clock clock) {
    this.caCertificate = Objects.requireNonNull(caCertificate);
    this.certificates = Objects.requireNonNull(certificates);
    this.clock = Objects.requireNonNull(clock);
    try {
      this.caVerifier = SignatureVerifiers.of(caCertificate.getSubjectPublicKeyInfo());
    } catch (OperatorCreationException e) {
      throw new IllegalArgumentException("cannot verify signatures with the CA public key", e);
    }
  }

  public Verdict check(X509CertificateHolder signer) {
    return check(signer, java.time.Duration.ZERO);
  }

  /**
   * @param expiredGrace how long after its notAfter the signer is still accepted: a renewal profile's graceAfter,
   *     so an expired certificate can sign its own renewal and nothing else
   */
  public Verdict check(X509CertificateHolder signer, java.time.Duration expiredGrace) {
    String who = "signer certificate " + DistinguishedNames.rfc4514(signer.getSubject()) + " (serial 0x"
        + signer.getSerialNumber().toString(16) + ")";
    if (!signer.getIssuer().equals(caCertificate.getSubject())) {
      return notIssuedHere(who);
    }
    // Read before the signature check, and fresh for every request: revocation must take effect at once.
    Optional<CertificateRecord> record = certificates.find(signer.getSerialNumber());
    byte[] presented = encoded(signer);
    boolean issuedHere = record.isPresent() && record.get().certificate().isPresent()
        && Arrays.equals(record.get().certificate().get(), presented);
    // The CA verified its signature on exactly these bytes before it stored them as issued
    // (CertificateIssuer.requireValidSignature), so checking it again proves nothing new. Anything else is checked.
    if (!issuedHere && !signedByCa(signer)) {
      return notIssuedHere(who);
    }
    Instant now = clock.instant();
    Instant notBefore = DerTime.instant(signer.toASN1Structure().getStartDate());
    Instant notAfter = DerTime.instant(signer.toASN1Structure().getEndDate());
    if (now.isBefore(notBefore) || now.isAfter(notAfter.plus(expiredGrace))) {
      return Verdict.refuse(FailInfo.BAD_IDENTITY, who + " is not valid now (valid " + notBefore + " to " + notAfter
          + ")");
    }
    if (record.isEmpty() || record.get().certificate().isEmpty()) {
      // A certificate with this CA's signature that the CA has no record of means a lost database or a forged
      // record; either way the CA cannot tell whether it was revoked, so it does not trust it.
      return Verdict.refuse(FailInfo.BAD_IDENTITY, who + " is not in this CA's records");
    }
    if (record.get().status() == CertificateStatus.REVOKED) {
      return Verdict.refuse(FailInfo.BAD_IDENTITY, who + " is revoked"
          + record.get().revocation().map(r -> " (" + r.reason() + ")").orElse(""));
    }
    if (!issuedHere) {
      return Verdict.refuse(FailInfo.BAD_IDENTITY, who + " differs from the certificate this CA issued under that"
          + " serial");
    }
    KeyUsage usage = KeyUsage.fromExtensions(signer.getExtensions());
    // RFC 5280 4.2.1.3: without the extension the key may be used for any purpose; with it, a CMC signature is a
    // digital signature.
    if (usage != null && !usage.hasUsages(KeyUsage.digitalSignature)) {
      return Verdict.refuse(FailInfo.BAD_IDENTITY, who + " does not allow digitalSignature (RFC 5280 4.2.1.3)");
    }
    return Verdict.pass();
  }

  private Verdict notIssuedHere(String who) {
    return Verdict.refuse(FailInfo.BAD_IDENTITY, who + " was not issued by this CA ("
        + DistinguishedNames.rfc4514(caCertificate.getSubject()) + ")");
  }

  private boolean signedByCa(X509CertificateHolder cert) {
    try {
      return cert.isSignatureValid(caVerifier);
    } catch (CertException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] encoded(X509CertificateHolder cert) {
    try {
      return cert.getEncoded();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("re-encoding a parsed certificate failed", e);
    }
  }
}
