package org.p11ca.server.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Software keys and certificates for tests of the HTTP layer, where the token adds nothing: a TLS server identity
 * and TLS client identities from an ad-hoc issuer. Real keys and signatures, just not on a token.
 */
public final class SoftwarePki {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A key pair and its certificate. */
  public record Identity(KeyPair keys, X509Certificate certificate) {
    public X509CertificateHolder holder() {
      try {
        return new X509CertificateHolder(certificate.getEncoded());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    public PrivateKey privateKey() {
      return keys.getPrivate();
    }

    /** A PKCS#12 KeyStore holding this identity under {@code alias}, protected by {@code password}. */
    public KeyStore keyStore(String alias, char[] password) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(alias, keys.getPrivate(), password, new X509Certificate[] {certificate});
        return ks;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private SoftwarePki() {
  }

  public static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Identity selfSignedCa(String subject) {
    KeyPair keys = ecKey();
    return new Identity(keys, certificate(subject, keys, subject, keys.getPrivate(), true));
  }

  /** A certificate for a fresh key, issued by {@code issuer} (which may be a CA the server has never seen). */
  public static Identity issue(Identity issuer, String subject) {
    KeyPair keys = ecKey();
    return new Identity(keys, certificate(subject, keys, issuer.certificate().getSubjectX500Principal().getName(),
        issuer.privateKey(), false));
  }

  private static X509Certificate certificate(String subject, KeyPair keys, String issuer, PrivateKey signer,
      boolean ca) {
    try {
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), new BigInteger(64, RANDOM).setBit(0),
          Date.from(now.minusSeconds(300)), Date.from(now.plus(Duration.ofDays(1))), new X500Name(subject),
          keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (!ca) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
