package org.p11ca.ca.crl;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.DERGeneralizedTime;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.p11ca.ca.crypto.SignatureVerifiers;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.repository.CrlStore;
import org.p11ca.ca.repository.RevocationReason;
import org.p11ca.ca.repository.RevokedCertificate;
import org.p11ca.ca.repository.StoredCrl;
import org.p11ca.ca.service.CaSigner;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.HsmException;

/**
 * Makes a full X.509 v2 CRL (RFC 5280 section 5) of every revoked certificate, signed once on the token with the
 * CA key: reserve the CRL number -> read the revoked rows -> sign -> verify the signature -> store. Revoked
 * certificates stay listed after they expire (simple and never wrong; RFC 5280 5.1.2.6 allows dropping them).
 * Not thread safe: one generation at a time (the {@link CrlPublisher} serializes them).
 */
public final class CrlGenerator {

  private final CaSigner ca;
  private final CertificateStore certificates;
  private final CrlStore crls;
  private final Duration validity;
  private final Clock clock;
  private final X500Name issuer;
  private final byte[] caKeyIdentifier;
  private final ContentVerifierProvider caVerifier;

  public CrlGenerator(CaSigner ca, CertificateStore certificates, CrlStore crls, Duration validity, Clock clock) {
    this.ca = Objects.requireNonNull(ca);
    this.certificates = Objects.requireNonNull(certificates);
    this.crls = Objects.requireNonNull(crls);
    this.validity = Objects.requireNonNull(validity);
    this.clock = Objects.requireNonNull(clock);
    X509CertificateHolder caCert = ca.certificate();
    // The subject exactly as encoded: relying parties match the CRL issuer to the certificates' issuer (5.1.2.3).
    this.issuer = caCert.getSubject();
    this.caKeyIdentifier = keyIdentifier(caCert);
    try {
      this.caVerifier = SignatureVerifiers.of(caCert.getSubjectPublicKeyInfo());
    } catch (OperatorCreationException e) {
      throw new IllegalArgumentException("cannot verify signatures with the CA certificate's key", e);
    }
  }

  /**
   * Signs and stores a new CRL.
   *
   * @throws CaException INTERNAL_CA_ERROR when the database or the token fails, or the signature does not verify
   */
  public StoredCrl generate() {
    // X.509 times have whole seconds; the stored validity is then exactly what the CRL says.
    Instant thisUpdate = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant nextUpdate = thisUpdate.plus(validity);
    long number = crls.reserveNumber(thisUpdate, nextUpdate);
    X509v2CRLBuilder builder = new X509v2CRLBuilder(issuer, Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(nextUpdate));
    try {
      // RFC 5280 5.2.3 and 5.2.1: conforming CAs MUST include both, non-critical.
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
      builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(caKeyIdentifier));
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot encode the extensions of CRL " + number, e);
    }
    certificates.forEachRevoked(r -> addEntry(builder, r));
    X509CRLHolder crl;
    try {
      crl = builder.build(ca.contentSigner());
    } catch (HsmException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the token could not sign CRL " + number + ": "
          + e.getMessage(), e);
    }
    requireValidSignature(crl, number);
    byte[] der;
    try {
      der = crl.getEncoded();
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot encode CRL " + number, e);
    }
    crls.store(number, der);
    return new StoredCrl(number, thisUpdate, nextUpdate, der);
  }

  /**
   * RFC 5280 5.3.1: the reasonCode SHOULD be absent rather than unspecified; 5.3.2: the invalidityDate, when known,
   * as a GeneralizedTime. Both non-critical.
   */
  private static void addEntry(X509v2CRLBuilder builder, RevokedCertificate r) {
    Date revoked = Date.from(r.revocation().revokedAt());
    RevocationReason reason = r.revocation().reason();
    if (reason == RevocationReason.UNSPECIFIED && r.revocation().invalidityDate().isEmpty()) {
      builder.addCRLEntry(r.serial(), revoked, 0); // 0: no crlEntryExtensions at all
      return;
    }
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    try {
      if (reason != RevocationReason.UNSPECIFIED) {
        extensions.addExtension(Extension.reasonCode, false, CRLReason.lookup(reason.code()));
      }
      if (r.revocation().invalidityDate().isPresent()) {
        extensions.addExtension(Extension.invalidityDate, false, new DERGeneralizedTime(
            Date.from(r.revocation().invalidityDate().get().truncatedTo(ChronoUnit.SECONDS))));
      }
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot encode the CRL entry of serial 0x"
          + r.serial().toString(16), e);
    }
    builder.addCRLEntry(r.serial(), revoked, extensions.generate());
  }

  /** As for certificates: a faulty token or swapped key must not publish a CRL relying parties would reject. */
  private void requireValidSignature(X509CRLHolder crl, long number) {
    boolean valid;
    try {
      valid = crl.isSignatureValid(caVerifier);
    } catch (CertException e) {
      valid = false;
    }
    if (!valid) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the signature the token made on CRL " + number
          + " does not verify with the CA public key");
    }
  }

  /**
   * The key identifier issued certificates carry in their AKI (issuance's IssuingCa): the CA certificate's
   * subjectKeyIdentifier, else RFC 5280 4.2.1.2 method 1 (SHA-1 of the subjectPublicKey BIT STRING's value).
   */
  private static byte[] keyIdentifier(X509CertificateHolder caCert) {
    SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(caCert.getExtensions());
    return ski != null ? ski.getKeyIdentifier()
        : HashAlgorithm.SHA1.digest(caCert.getSubjectPublicKeyInfo().getPublicKeyData().getBytes());
  }
}
