package org.p11ca.tokens;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;

/** Issues a self-signed root CA certificate for a key on the token, signed there and verified here. */
final class RootCertificateIssuer {

  /** Clocks of relying parties drift; a certificate that is "not yet valid" for them is useless. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final Token token;
  private final Clock clock;
  private final SecureRandom random;

  RootCertificateIssuer(Token token, Clock clock, SecureRandom random) {
    this.token = token;
    this.clock = clock;
    this.random = random;
  }

  X509Certificate issue(SigningKey signer, X500Name subject, Duration validity) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("the validity must be positive");
    }
    PublicKey publicKey = token.publicKey(signer.key());
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
    byte[] keyId = keyIdentifier(spki);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, serialNumber(),
        Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)), subject, spki);
    try {
      // RFC 5280 4.2.1.9: a CA certificate's basicConstraints is critical with cA TRUE.
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      // RFC 5280 4.2.1.3: keyCertSign and cRLSign for a CA. digitalSignature too, because this key also signs CMC
      // responses (CMS SignedData, RFC 5272 section 3.2.2) and may sign OCSP responses directly, for which CA/B
      // Forum BR 7.1.2.1 asks for it.
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
      // RFC 5280 4.2.1.1: a self-signed certificate may carry the AKI; its keyIdentifier is the SKI.
      builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode certificate extensions", e);
    }
    X509CertificateHolder signed = builder.build(new TokenContentSigner(token, signer.key(), signer.algorithm()));
    SignatureCheck.requireValid(signed, publicKey, "the CA certificate");
    try {
      return new JcaX509CertificateConverter().getCertificate(signed);
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK cannot read the certificate just built", e);
    }
  }

  /** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING (its value, without tag and length). */
  static byte[] keyIdentifier(SubjectPublicKeyInfo spki) {
    return HashAlgorithm.SHA1.digest(spki.getPublicKeyData().getBytes());
  }

  /**
   * 16 random bytes with the top bit cleared: positive, at most 20 octets (RFC 5280 4.1.2.2), and far more than the
   * 64 bits of entropy CA/B Forum requires so serials cannot be predicted.
   */
  private BigInteger serialNumber() {
    byte[] bytes = new byte[16];
    BigInteger serial;
    do {
      random.nextBytes(bytes);
      bytes[0] &= 0x7f;
      serial = new BigInteger(1, bytes);
    } while (serial.signum() == 0);
    return serial;
  }
}
