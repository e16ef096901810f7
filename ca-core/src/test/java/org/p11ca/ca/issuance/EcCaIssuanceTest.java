package org.p11ca.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.KeyPairSpec;

/** Issuance with an EC P-256 CA key on a SoftHSM token. */
class EcCaIssuanceTest {

  static TestCa ca;
  static X509CertificateHolder caCert;

  @BeforeAll
  static void createCa() {
    ca = new TestCa("issuance-ec", new KeyPairSpec.Ec(EcCurve.P256));
    caCert = ca.selfSigned(CertificateIssuerTest.CA_START, CertificateIssuerTest.CA_END, Optional.empty());
  }

  @AfterAll
  static void closeToken() {
    ca.close();
  }

  @Test
  void p256CaKeySignsAnEcdsaCertificateThatVerifies() throws Exception {
    CertificateIssuer issuer = new CertificateIssuer(ca.token, ca.key, ca.algorithm, caCert,
        new InMemorySerialReservation(), Clock.fixed(CertificateIssuerTest.NOW, ZoneOffset.UTC));
    X500Name subject = new X500Name("UID=jdoe,CN=Jane Doe,O=Example");
    IssuedCertificate issued = issuer.issue(new ApprovedRequest(
        ProfileLoader.loadDefaults().find("caFullCMCUserSignedCert").orElseThrow(), subject,
        SubjectKeys.rsa(2048), List.of()));
    X509CertificateHolder cert = issued.cert();
    assertEquals(X9ObjectIdentifiers.ecdsa_with_SHA256, cert.getSignatureAlgorithm().getAlgorithm());
    assertTrue(cert.isSignatureValid(new JcaContentVerifierProviderBuilder()
        .setProvider(new BouncyCastleProvider()).build(ca.publicKey())));
    assertEquals(subject, cert.getSubject());
  }
}
