package org.p11ca.client;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * A self-signed certificate over a new request key, made only because a PKCS#12 key entry must carry a certificate
 * (the JDK's KeyStore refuses a bare key). It certifies nothing: no CA issued it and no command here uses it as an
 * identity; it is replaced once the CA's certificate for the key is imported.
 */
final class HolderCertificate {
  private HolderCertificate() {
  }

  private static final Duration VALIDITY = Duration.ofDays(90);

  static X509Certificate selfSigned(KeyPair pair, X500Name subject) {
    Instant now = Instant.now();
    BigInteger serial = new BigInteger(64, new SecureRandom()).setBit(63);
    RequestKey.Software key = new RequestKey.Software(pair.getPrivate(), pair.getPublic(), "the new key");
    try {
      return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject, serial,
          Date.from(now.minusSeconds(60)), Date.from(now.plus(VALIDITY)), subject, pair.getPublic())
          .build(key.signer()));
    } catch (CertificateException e) {
      throw new CmcToolException("cannot make the PKCS#12 holder certificate: " + e.getMessage(), e);
    }
  }
}
