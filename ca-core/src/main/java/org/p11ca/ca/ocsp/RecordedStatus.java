package org.p11ca.ca.ocsp;

import java.math.BigInteger;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.p11ca.ca.repository.CertificateRecord;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.repository.Revocation;
import org.p11ca.ca.repository.RevocationReason;

/**
 * The OCSP status of a serial of this CA, from the certificate records (RFC 6960 2.2).
 *
 * <ul>
 *   <li>ISSUED: good.
 *   <li>REVOKED (also one revoked while still RESERVED): revoked, with its revocation time and reason.
 *   <li>RESERVED: unknown. The row is the intent recorded before the token signs; if the CA crashed after signing,
 *       a certificate may exist, but nothing on record says it does, so "good" would vouch for a certificate the CA
 *       never confirmed issuing (the Baseline Requirements 4.9.10: a responder SHOULD NOT answer "good" for a serial
 *       it does not know as issued). "revoked" would contradict the CRL, which lists REVOKED rows only. "unknown" makes
 *       strict clients reject such a certificate; an operator who wants it dead revokes the serial (a RESERVED one
 *       is revocable), and from then on it is answered "revoked". While a normal issuance is in flight its serial
 *       is RESERVED too, but nobody holds that certificate yet.
 *   <li>No row: unknown. RFC 6960 2.2 also allows "revoked" for never-issued serials (certificateHold, revocation
 *       time 1970-01-01, and the extended revoke extension of 4.4.8); this responder does not claim that.
 * </ul>
 */
final class RecordedStatus {

  private static final int MAX_SERIAL_BITS = 160;

  private final CertificateStore certificates;

  RecordedStatus(CertificateStore certificates) {
    this.certificates = certificates;
  }

  /** {@code null} means good: that is how Bouncy Castle's {@link CertificateStatus#GOOD} is written. */
  CertificateStatus of(BigInteger serial) {
    if (serial.signum() <= 0 || serial.bitLength() > MAX_SERIAL_BITS) {
      // RFC 5280 4.1.2.2: a serial this CA could never have issued, so not worth a database read.
      return new UnknownStatus();
    }
    Optional<CertificateRecord> row = certificates.find(serial);
    if (row.isEmpty()) {
      return new UnknownStatus();
    }
    return switch (row.get().status()) {
      case ISSUED -> CertificateStatus.GOOD;
      case RESERVED -> new UnknownStatus();
      case REVOKED -> revoked(row.get().revocation().orElseThrow(() -> new IllegalStateException(
          "certificate " + serial.toString(16) + " is REVOKED without a revocation entry")));
    };
  }

  private static CertificateStatus revoked(Revocation revocation) {
    // GeneralizedTime without fractional seconds, as RFC 5280 4.1.2.5.2 writes times.
    ASN1GeneralizedTime at = new ASN1GeneralizedTime(Date.from(revocation.revokedAt().truncatedTo(ChronoUnit.SECONDS)));
    // RFC 5280 5.3.1: the reason code unspecified SHOULD be absent rather than present with value 0.
    CRLReason reason = revocation.reason() == RevocationReason.UNSPECIFIED ? null
        : CRLReason.lookup(revocation.reason().code());
    return new RevokedStatus(new RevokedInfo(at, reason));
  }
}
