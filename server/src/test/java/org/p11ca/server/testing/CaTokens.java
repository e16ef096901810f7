package org.p11ca.server.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * A fresh SoftHSM2 token laid out as scripts/softhsm-init.sh does: an RSA-2048 CA key with its self-signed CA
 * certificate, an EC P-256 audit key and an EC P-256 TLS key (no certificate: the server issues it).
 */
public final class CaTokens {

  public static final String CA_SUBJECT = "CN=p11ca Test Root CA,O=p11ca";

  /** The token and the CA certificate made on it. */
  public record CaToken(SoftHsm.TestToken token, X509Certificate caCertificate) {
    /** Writes the user PIN to an owner-only file, as softhsm-init.sh does. */
    public Path writePinFile(Path dir) throws Exception {
      Path file = dir.resolve("user.pin");
      Files.writeString(file, new String(token.userPin()) + "\n", StandardCharsets.UTF_8);
      return file;
    }
  }

  private CaTokens() {
  }

  public static CaToken create(String purpose) throws Exception {
    SoftHsm.TestToken testToken = SoftHsm.createToken(purpose);
    try (Token token = Pkcs11Library.open(testToken.config(Backend.IAIK))) {
      KeyHandle ca = token.generateKeyPair(new KeyPairSpec.Rsa(2048),
          KeyAttributes.persistent("ca-signing", org.p11ca.hsm.KeyUsage.SIGN));
      token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
          KeyAttributes.persistent("audit-signing", org.p11ca.hsm.KeyUsage.SIGN));
      token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
          KeyAttributes.persistent("tls-server", org.p11ca.hsm.KeyUsage.SIGN));
      X509Certificate cert = selfSigned(token, ca);
      token.importCertificate("ca-signing", ca.id().orElseThrow(), cert);
      return new CaToken(testToken, cert);
    }
  }

  private static X509Certificate selfSigned(Token token, KeyHandle key) throws Exception {
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(token.publicKey(key).getEncoded());
    byte[] keyId = HashAlgorithm.SHA1.digest(spki.getPublicKeyData().getBytes());
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X500Name subject = new X500Name(CA_SUBJECT);
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minusSeconds(300)), Date.from(now.plus(3650, ChronoUnit.DAYS)), subject, spki);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
    b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId));
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new TokenContentSigner(token, key, SignatureAlgorithm.RSA_PKCS1_SHA256)));
  }
}
