package org.p11ca.ca.ocsp;

import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;

/**
 * Whether a CertID names this CA (RFC 6960 4.1.1): issuerNameHash over the DER of the CA certificate's subject and
 * issuerKeyHash over its subjectPublicKey BIT STRING value, both with the CertID's own hash algorithm. A serial is
 * only meaningful under its issuer, so a CertID of another CA must never be answered from this CA's records.
 */
final class CaIssuerMatch {

  /**
   * SHA-1 (what RFC 5019 clients and openssl send by default) and the SHA-2 family. Anything else (MD5, unknown
   * OIDs) is answered "unknown" rather than guessed at.
   */
  private static final Set<ASN1ObjectIdentifier> HASHES = Set.of(OIWObjectIdentifiers.idSHA1,
      NISTObjectIdentifiers.id_sha224, NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384,
      NISTObjectIdentifiers.id_sha512);

  private final X509CertificateHolder caCertificate;
  private final DigestCalculatorProvider digests = new BcDigestCalculatorProvider();

  CaIssuerMatch(X509CertificateHolder caCertificate) {
    this.caCertificate = caCertificate;
  }

  boolean namesThisCa(CertificateID id) {
    if (!HASHES.contains(id.getHashAlgOID())) {
      return false;
    }
    try {
      // Bouncy Castle recomputes both hashes over the CA certificate with the CertID's algorithm and compares.
      return id.matchesIssuer(caCertificate, digests);
    } catch (OCSPException e) {
      return false;
    }
  }
}
