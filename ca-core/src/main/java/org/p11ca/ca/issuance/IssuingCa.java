package org.p11ca.ca.issuance;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.hsm.HashAlgorithm;

/**
 * What issuance needs from the CA certificate, read once.
 *
 * @param subject the CA's subject exactly as encoded, to become the issuer name (RFC 5280 7.1 compares names)
 * @param keyIdentifier the CA certificate's subjectKeyIdentifier, for the issued certificates' AKI
 * @param pathLen the CA certificate's pathLenConstraint, if it has one
 */
record IssuingCa(X500Name subject, SubjectPublicKeyInfo publicKey, Instant notBefore, Instant notAfter,
    byte[] keyIdentifier, Optional<BigInteger> pathLen) {

  static IssuingCa of(X509CertificateHolder caCert) {
    BasicConstraints bc = BasicConstraints.fromExtensions(caCert.getExtensions());
    // RFC 5280 6.1.4 (k): a certificate that is not a CA certificate cannot issue; relying parties reject the path.
    if (bc == null || !bc.isCA()) {
      throw new IllegalArgumentException("the CA certificate " + caCert.getSubject()
          + " lacks basicConstraints cA TRUE (RFC 5280 4.2.1.9)");
    }
    SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(caCert.getExtensions());
    byte[] keyId = ski != null ? ski.getKeyIdentifier() : keyIdentifier(caCert.getSubjectPublicKeyInfo());
    return new IssuingCa(caCert.getSubject(), caCert.getSubjectPublicKeyInfo(),
        caCert.getNotBefore().toInstant(), caCert.getNotAfter().toInstant(), keyId,
        Optional.ofNullable(bc.getPathLenConstraint()));
  }

  /** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
  static byte[] keyIdentifier(SubjectPublicKeyInfo spki) {
    return HashAlgorithm.SHA1.digest(spki.getPublicKeyData().getBytes());
  }
}
