package org.p11ca.ca.issuance;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/** A CA key on a fresh SoftHSM token and self-signed CA certificates for it, signed on the token. */
final class TestCa implements AutoCloseable {

  static final X500Name NAME = new X500Name("CN=p11ca Test CA,O=Example");

  final Token token;
  final KeyHandle key;
  final SignatureAlgorithm algorithm;

  TestCa(String purpose, KeyPairSpec spec) {
    SoftHsm.TestToken t = SoftHsm.createToken(purpose);
    this.token = Pkcs11Library.open(t.config(Backend.IAIK));
    this.key = token.generateKeyPair(spec, KeyAttributes.persistent("ca", org.p11ca.hsm.KeyUsage.SIGN));
    this.algorithm = SignatureAlgorithm.defaultFor(key);
  }

  PublicKey publicKey() {
    return token.publicKey(key);
  }

  /** A self-signed CA certificate (cA TRUE, keyCertSign + cRLSign, SKI) valid from {@code notBefore}. */
  X509CertificateHolder selfSigned(Instant notBefore, Instant notAfter, Optional<Integer> pathLen) {
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(publicKey().getEncoded());
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(NAME, BigInteger.valueOf(notBefore.getEpochSecond()),
        Date.from(notBefore), Date.from(notAfter), NAME, spki);
    try {
      b.addExtension(Extension.basicConstraints, true,
          pathLen.map(BasicConstraints::new).orElseGet(() -> new BasicConstraints(true)));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          new SubjectKeyIdentifier(IssuingCa.keyIdentifier(spki)));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return b.build(new TokenContentSigner(token, key, algorithm));
  }

  static String pem(X509CertificateHolder cert) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(cert);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toString();
  }

  @Override
  public void close() {
    token.close();
  }
}
