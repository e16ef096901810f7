package org.p11ca.bench.cmc;

import org.p11ca.bench.CaKeyType;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.p11ca.ca.service.CmcService;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;
import org.p11ca.server.config.KeyLabels;

/**
 * The CA the benchmark runs against, made as scripts/softhsm-init.sh makes one: CA, audit and TLS keys on a fresh
 * token, a self-signed CA certificate signed and stored there; and the subscribers, whose signer certificates
 * (caFullCMCUserCert) the operator bootstrap issues before the server starts.
 */
final class BenchAuthority {

  static final X500Name CA_NAME = new X500Name("CN=p11ca Bench CA,O=p11ca bench");
  static final String SIGNER_PROFILE = "caFullCMCUserCert";

  /** A subscriber who already holds a certificate from this CA: the signer of user-signed requests. */
  record Identity(KeyPair keys, X509CertificateHolder certificate) {
  }

  private final KeyHandle caKey;
  private final X509CertificateHolder caCertificate;

  private BenchAuthority(KeyHandle caKey, X509CertificateHolder caCertificate) {
    this.caKey = caKey;
    this.caCertificate = caCertificate;
  }

  /** Generates the three keys on {@code token} and the CA certificate, labelled as the server's defaults. */
  static BenchAuthority create(Token token, CaKeyType type, java.time.Clock clock) {
    KeyHandle caKey = token.generateKeyPair(type.spec(),
        KeyAttributes.persistent(KeyLabels.DEFAULT_CA_SIGNING, org.p11ca.hsm.KeyUsage.SIGN));
    token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
        KeyAttributes.persistent(KeyLabels.DEFAULT_AUDIT, org.p11ca.hsm.KeyUsage.SIGN));
    token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
        KeyAttributes.persistent(KeyLabels.DEFAULT_TLS, org.p11ca.hsm.KeyUsage.SIGN));
    X509CertificateHolder caCert = selfSigned(token, caKey, type, clock.instant());
    ObjectId id = caKey.id().orElseThrow(() -> new IllegalStateException("the CA key has no CKA_ID"));
    token.importCertificate(KeyLabels.DEFAULT_CA_SIGNING, id, jca(caCert));
    return new BenchAuthority(caKey, caCert);
  }

  KeyHandle caKey() {
    return caKey;
  }

  X509CertificateHolder caCertificate() {
    return caCertificate;
  }

  /**
   * Issues {@code count} signer certificates, on keys of {@code keyType}, through the CA facade's operator
   * enrollment (as the operator bootstrap does), into the database and audit log the server will open.
   */
  static List<Identity> bootstrapIdentities(CmcService ca, int count, SubscriberKeyType keyType) {
    List<Identity> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      KeyPair keys = keyType.generate();
      PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(
          new X500Name("UID=bench-user-" + i + ",O=p11ca bench"), keys.getPublic()).build(softwareSigner(keys));
      out.add(new Identity(keys, ca.enrollByOperator(csr, SIGNER_PROFILE, "bench-operator").cert()));
    }
    return List.copyOf(out);
  }

  static org.bouncycastle.operator.ContentSigner softwareSigner(KeyPair keys) {
    return SubscriberKeyType.of(keys).signer(keys);
  }

  static X509Certificate jca(X509CertificateHolder cert) {
    try {
      return new JcaX509CertificateConverter().getCertificate(cert);
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalStateException("cannot convert certificate " + cert.getSubject(), e);
    }
  }

  private static X509CertificateHolder selfSigned(Token token, KeyHandle caKey, CaKeyType type, Instant now) {
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(token.publicKey(caKey).getEncoded());
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(CA_NAME, new BigInteger(127, new SecureRandom()),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), CA_NAME, spki);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          new SubjectKeyIdentifier(HashAlgorithm.SHA1.digest(spki.getPublicKeyData().getBytes())));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the CA certificate's extensions", e);
    }
    return b.build(new TokenContentSigner(token, caKey, type.algorithm()));
  }
}
