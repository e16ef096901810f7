package org.p11ca.client;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away software CA for tests: issues signer, TLS server and TLS client certificates. */
final class TestPki {

  private static final AtomicLong SERIALS = new AtomicLong(100);

  final KeyPair caKey;
  final X509Certificate caCert;

  TestPki(String caSubject) throws Exception {
    caKey = rsa();
    Instant now = Instant.now();
    X500Name name = SubjectName.parse(caSubject);
    caCert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
        BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(30))), name, caKey.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .build(signer(caKey.getPrivate())));
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static ContentSigner signer(PrivateKey key) throws Exception {
    return new JcaContentSignerBuilder("RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA")
        .build(key);
  }

  /** An end-entity certificate; {@code ipAddress} adds an iPAddress subjectAltName (for a TLS server). */
  X509Certificate issue(String subject, PublicKey key, String ipAddress) throws Exception {
    return issue(subject, key, ipAddress, KeyUsage.digitalSignature);
  }

  /** An end-entity certificate with the given keyUsage bits (e.g. keyEncipherment for a KRA transport). */
  X509Certificate issue(String subject, PublicKey key, String ipAddress, int keyUsage) throws Exception {
    Instant now = Instant.now();
    org.bouncycastle.cert.X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, BigInteger.valueOf(SERIALS
        .incrementAndGet()), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
        SubjectName.parse(subject), key)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
    if (ipAddress != null) {
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.iPAddress, ipAddress)));
    }
    return new JcaX509CertificateConverter().getCertificate(b.build(signer(caKey.getPrivate())));
  }

  X509CertificateHolder caHolder() throws Exception {
    return new JcaX509CertificateHolder(caCert);
  }

  static X509CertificateHolder holder(X509Certificate c) throws Exception {
    return new JcaX509CertificateHolder(c);
  }

  /** key + [cert, CA] in a new PKCS#12 file. */
  Path p12(Path file, String alias, KeyPair key, X509Certificate cert, String password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(alias, key.getPrivate(), password.toCharArray(), new X509Certificate[] {cert, caCert});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ks.store(out, password.toCharArray());
    Files.write(file, out.toByteArray());
    return file;
  }

  Path caPem(Path file) throws Exception {
    return pem(file, caCert);
  }

  static Path pem(Path file, X509Certificate cert) throws Exception {
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(file))) {
      w.writeObject(cert);
    }
    return file;
  }
}
