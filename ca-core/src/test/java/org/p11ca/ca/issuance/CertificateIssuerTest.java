package org.p11ca.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.Token;

/** Issuance with an RSA-2048 CA key on a SoftHSM token. */
class CertificateIssuerTest {

  static final Instant CA_START = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant CA_END = Instant.parse("2026-03-01T00:00:00Z");
  static final Instant NOW = Instant.parse("2026-01-15T10:00:00.750Z");
  static final Profiles DEFAULTS = ProfileLoader.loadDefaults();
  static final X500Name SIGNER = new X500Name("UID=jdoe,CN=Jane Doe,OU=People,O=Example");

  static TestCa ca;
  static X509CertificateHolder caCert;
  static SubjectPublicKeyInfo rsa2048;

  @BeforeAll
  static void createCa() {
    ca = new TestCa("issuance", new KeyPairSpec.Rsa(2048));
    caCert = ca.selfSigned(CA_START, CA_END, Optional.empty());
    rsa2048 = SubjectKeys.rsa(2048);
  }

  @AfterAll
  static void closeToken() {
    ca.close();
  }

  static Profile profile(String id) {
    return DEFAULTS.find(id).orElseThrow();
  }

  static Profile withLocations() {
    try {
      return ProfileLoader.loadFile(Path.of(CertificateIssuerTest.class.getResource("withLocations.yaml").toURI()));
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  private static CertificateIssuer issuer(SerialReservation reservation, SerialNumbers serials, Instant now) {
    return new CertificateIssuer(ca.token, ca.key, ca.algorithm, caCert, reservation, serials,
        Clock.fixed(now, ZoneOffset.UTC));
  }

  private static CertificateIssuer issuer() {
    return issuer(new InMemorySerialReservation(), new SerialNumbers(new SecureRandom()), NOW);
  }

  private static ApprovedRequest request(Profile profile, X500Name subject, SubjectPublicKeyInfo key,
      Extension... requested) {
    return new ApprovedRequest(profile, subject, key, List.of(requested));
  }

  private static ApprovedRequest userSigned() {
    return request(profile("caFullCMCUserSignedCert"), SIGNER, rsa2048);
  }

  private static Extension san(GeneralName... names) throws Exception {
    return Extension.create(Extension.subjectAlternativeName, false, new GeneralNames(names));
  }

  @Test
  void issuedCertificateVerifiesWithTheCaPublicKey() throws Exception {
    X509CertificateHolder cert = issuer().issue(userSigned()).cert();
    assertTrue(cert.isSignatureValid(new JcaContentVerifierProviderBuilder()
        .setProvider(new BouncyCastleProvider()).build(ca.publicKey())));
    assertEquals(caCert.getSubject(), cert.getIssuer());
  }

  @Test
  void serialIsPositiveWithMoreThan64Bits() {
    IssuedCertificate issued = issuer().issue(userSigned());
    assertEquals(1, issued.serial().signum());
    assertTrue(issued.serial().bitLength() > 64, issued.serial().toString(16));
    assertEquals(issued.serial(), issued.cert().getSerialNumber());
  }

  @Test
  void userSignedCertificateHasExactlyTheSignersSubject() {
    assertEquals(SIGNER, issuer().issue(userSigned()).cert().getSubject());
  }

  @Test
  void notBeforeIsNowTruncatedToSeconds() {
    X509CertificateHolder cert = issuer().issue(userSigned()).cert();
    assertEquals(Instant.parse("2026-01-15T10:00:00Z"), cert.getNotBefore().toInstant());
  }

  @Test
  void aCheckedRequestIsIssuedAsCheckedEvenWhenTheClockHasMoved() {
    Instant[] now = {NOW};
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    CertificateIssuer issuer = new CertificateIssuer(ca.token, ca.key, ca.algorithm, caCert,
        new InMemorySerialReservation(), moving);
    CertificateIssuer.Checked checked = issuer.check(userSigned());
    now[0] = NOW.plus(Duration.ofMinutes(5));
    X509CertificateHolder cert = issuer.issue(checked, new InMemorySerialReservation()).cert();
    assertEquals(Instant.parse("2026-01-15T10:00:00Z"), cert.getNotBefore().toInstant());
    assertEquals(SIGNER, cert.getSubject());
    assertEquals(userSigned().profile(), checked.request().profile());
  }

  @Test
  void aRequestCheckedByAnotherIssuerIsNotSigned() {
    CertificateIssuer.Checked checkedElsewhere = issuer().check(userSigned());
    InMemorySerialReservation reservation = new InMemorySerialReservation();
    assertThrows(IllegalArgumentException.class, () -> issuer().issue(checkedElsewhere, reservation));
    assertEquals(0, reservation.attempts());
  }

  @Test
  void notAfterIsClampedToTheCaCertificatesNotAfter() {
    // caFullCMCUserSignedCert asks for 180 days; the CA certificate ends about 45 days after NOW.
    assertEquals(CA_END, issuer().issue(userSigned()).cert().getNotAfter().toInstant());
  }

  @Test
  void notAfterFollowsTheProfileWhenTheCaOutlivesIt() {
    X509CertificateHolder cert = issuer().issue(request(withLocations(), new X500Name("UID=jdoe"), rsa2048)).cert();
    assertEquals(Instant.parse("2026-01-15T10:00:00Z").plus(Duration.ofDays(7)), cert.getNotAfter().toInstant());
  }

  @Test
  void keyUsageAndExtendedKeyUsageFollowTheProfile() {
    X509CertificateHolder cert = issuer().issue(userSigned()).cert();
    Extension ku = cert.getExtension(Extension.keyUsage);
    assertTrue(ku.isCritical());
    assertEquals(new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyEncipherment
        | KeyUsage.dataEncipherment), KeyUsage.getInstance(ku.getParsedValue()));
    ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(cert.getExtensions());
    assertTrue(eku.hasKeyPurposeId(KeyPurposeId.id_kp_clientAuth));
    assertTrue(eku.hasKeyPurposeId(KeyPurposeId.id_kp_emailProtection));
    assertEquals(2, eku.size());
  }

  @Test
  void endEntityCertificateIsNotACa() {
    X509CertificateHolder cert = issuer().issue(userSigned()).cert();
    assertFalse(BasicConstraints.fromExtensions(cert.getExtensions()).isCA());
  }

  @Test
  void subjectKeyIdentifierIsTheSha1OfTheSubjectPublicKey() throws Exception {
    X509CertificateHolder cert = issuer().issue(userSigned()).cert();
    byte[] expected = java.security.MessageDigest.getInstance("SHA-1")
        .digest(rsa2048.getPublicKeyData().getBytes());
    assertArrayEquals(expected, SubjectKeyIdentifier.fromExtensions(cert.getExtensions()).getKeyIdentifier());
    assertFalse(cert.getExtension(Extension.subjectKeyIdentifier).isCritical());
  }

  @Test
  void authorityKeyIdentifierIsTheCaCertificatesSubjectKeyIdentifier() {
    X509CertificateHolder cert = issuer().issue(userSigned()).cert();
    assertArrayEquals(SubjectKeyIdentifier.fromExtensions(caCert.getExtensions()).getKeyIdentifier(),
        AuthorityKeyIdentifier.fromExtensions(cert.getExtensions()).getKeyIdentifierOctets());
  }

  @Test
  void crlDistributionPointAndAiaAppearWhenConfigured() {
    X509CertificateHolder cert = issuer().issue(request(withLocations(), new X500Name("UID=jdoe"), rsa2048)).cert();
    CRLDistPoint crl = CRLDistPoint.getInstance(cert.getExtension(Extension.cRLDistributionPoints).getParsedValue());
    assertEquals(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
        "http://crl.example.com/ca.crl")), crl.getDistributionPoints()[0].getDistributionPoint().getName());
    AuthorityInformationAccess aia = AuthorityInformationAccess.fromExtensions(cert.getExtensions());
    assertEquals("http://ocsp.example.com/", aia.getAccessDescriptions()[0].getAccessLocation().getName()
        .toString());
    assertEquals("http://ca.example.com/ca.crt", aia.getAccessDescriptions()[1].getAccessLocation().getName()
        .toString());
  }

  @Test
  void noCrlDistributionPointOrAiaWhenNotConfigured() {
    X509CertificateHolder cert = issuer().issue(userSigned()).cert();
    assertNull(cert.getExtension(Extension.cRLDistributionPoints));
    assertNull(cert.getExtension(Extension.authorityInfoAccess));
  }

  @Test
  void requestSubjectGetsTheProfilesSuffix() {
    X509CertificateHolder cert = issuer().issue(request(withLocations(), new X500Name("UID=jdoe"), rsa2048)).cert();
    assertEquals(new X500Name("UID=jdoe,O=Example"), cert.getSubject());
  }

  @Test
  void requestSubjectWithoutARequiredAttributeIsRefused() {
    CaException e = assertThrows(CaException.class, () -> issuer().issue(
        request(profile("caFullCMCUserCert"), new X500Name("O=Example"), rsa2048)));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
  }

  @Test
  void rsa1024KeyIsRefusedAsBadRequest() {
    CaException e = assertThrows(CaException.class, () -> issuer().issue(
        request(profile("caFullCMCUserSignedCert"), SIGNER, SubjectKeys.rsa(1024))));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
    assertEquals("RSA key of 1024 bits is below the profile's minimum 2048", e.detail());
  }

  @Test
  void rsaModulusWithASmallFactorIsRefused() {
    BigInteger prime = BigInteger.probablePrime(2048, new SecureRandom());
    // The first and last of the primes below 752, and one from the middle of the table.
    for (int factor : new int[] {3, 379, 751}) {
      SubjectPublicKeyInfo weak = SubjectKeys.rsa(prime.multiply(BigInteger.valueOf(factor)),
          BigInteger.valueOf(65537));
      CaException e = assertThrows(CaException.class, () -> issuer().issue(
          request(profile("caFullCMCUserSignedCert"), SIGNER, weak)));
      assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
      assertEquals("RSA modulus has a prime factor smaller than 752 (CA/Browser Forum Baseline Requirements 6.1.6)",
          e.detail(), "factor " + factor);
    }
  }

  @Test
  void rsaModulusWhoseSmallestFactorIs757IsAccepted() {
    // 757 is the first prime the Baseline Requirements' "no factors smaller than 752" lets through.
    BigInteger prime = BigInteger.probablePrime(2040, new SecureRandom());
    SubjectPublicKeyInfo key = SubjectKeys.rsa(prime.multiply(BigInteger.valueOf(757)), BigInteger.valueOf(65537));
    assertEquals(key, issuer().issue(request(profile("caFullCMCUserSignedCert"), SIGNER, key)).cert()
        .getSubjectPublicKeyInfo());
  }

  @Test
  void evenRsaModulusOrExponentIsRefused() {
    BigInteger modulus = rsaModulus(rsa2048);
    CaException evenModulus = assertThrows(CaException.class, () -> issuer().issue(request(
        profile("caFullCMCUserSignedCert"), SIGNER, SubjectKeys.rsa(modulus.flipBit(0), BigInteger.valueOf(65537)))));
    assertEquals("RSA modulus is even", evenModulus.detail());
    CaException evenExponent = assertThrows(CaException.class, () -> issuer().issue(request(
        profile("caFullCMCUserSignedCert"), SIGNER, SubjectKeys.rsa(modulus, BigInteger.valueOf(65536)))));
    assertEquals(FailInfo.BAD_REQUEST, evenExponent.failInfo());
    assertEquals("RSA public exponent 65536 is not an odd number of at least 3", evenExponent.detail());
    CaException one = assertThrows(CaException.class, () -> issuer().issue(request(
        profile("caFullCMCUserSignedCert"), SIGNER, SubjectKeys.rsa(modulus, BigInteger.ONE))));
    assertEquals("RSA public exponent 1 is not an odd number of at least 3", one.detail());
  }

  private static BigInteger rsaModulus(SubjectPublicKeyInfo key) {
    try {
      return org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(key.parsePublicKey()).getModulus();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void p521KeyIsRefusedAsBadAlg() {
    CaException e = assertThrows(CaException.class, () -> issuer().issue(
        request(profile("caFullCMCUserSignedCert"), SIGNER, SubjectKeys.ec("secp521r1"))));
    assertEquals(FailInfo.BAD_ALG, e.failInfo());
    assertTrue(e.detail().startsWith("EC curve secp521r1 is not accepted"), e.detail());
  }

  @Test
  void ecKeyIsRefusedByAnRsaOnlyProfile() {
    CaException e = assertThrows(CaException.class, () -> issuer().issue(
        request(profile("caFullCMCEncryptionCert"), SIGNER, SubjectKeys.ec("secp256r1"))));
    assertEquals(FailInfo.BAD_ALG, e.failInfo());
  }

  @Test
  void p256SubjectKeyIsAccepted() {
    SubjectPublicKeyInfo p256 = SubjectKeys.ec("secp256r1");
    assertEquals(p256, issuer().issue(request(profile("caFullCMCUserSignedCert"), SIGNER, p256)).cert()
        .getSubjectPublicKeyInfo());
  }

  @Test
  void serverProfileCopiesTheRequestedSubjectAltName() throws Exception {
    Extension san = san(new GeneralName(GeneralName.dNSName, "www.example.com"));
    X509CertificateHolder cert = issuer().issue(request(profile("caServerCert"),
        new X500Name("CN=www.example.com"), rsa2048, san)).cert();
    assertEquals(GeneralNames.getInstance(san.getParsedValue()),
        GeneralNames.fromExtensions(cert.getExtensions(), Extension.subjectAlternativeName));
  }

  @Test
  void serverProfileWithoutADnsNameIsRefused() throws Exception {
    Extension san = san(new GeneralName(GeneralName.rfc822Name, "jdoe@example.com"));
    CaException e = assertThrows(CaException.class, () -> issuer().issue(request(profile("caServerCert"),
        new X500Name("CN=www.example.com"), rsa2048, san)));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
  }

  @Test
  void requestedExtensionsTheProfileDoesNotAllowAreNotCopied() throws Exception {
    Extension san = san(new GeneralName(GeneralName.dNSName, "evil.example.com"));
    Extension basic = Extension.create(Extension.basicConstraints, true, new BasicConstraints(true));
    X509CertificateHolder cert = issuer().issue(request(profile("caFullCMCUserSignedCert"), SIGNER, rsa2048, san,
        basic)).cert();
    assertNull(cert.getExtension(Extension.subjectAlternativeName));
    assertFalse(BasicConstraints.fromExtensions(cert.getExtensions()).isCA());
  }

  @Test
  void subordinateCaCertificateHasCriticalBasicConstraintsWithPathLenZero() {
    X509CertificateHolder cert = issuer().issue(request(profile("caSubCACert"), new X500Name("CN=Sub CA"),
        rsa2048)).cert();
    Extension bc = cert.getExtension(Extension.basicConstraints);
    assertTrue(bc.isCritical());
    BasicConstraints parsed = BasicConstraints.getInstance(bc.getParsedValue());
    assertTrue(parsed.isCA());
    assertEquals(0, parsed.getPathLenConstraint().intValueExact());
    assertTrue(cert.getExtension(Extension.keyUsage).isCritical());
    assertEquals(new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign),
        KeyUsage.fromExtensions(cert.getExtensions()));
  }

  @Test
  void ocspResponderCertificateCarriesOcspSigningAndNoCheck() throws Exception {
    X509CertificateHolder cert = issuer().issue(request(profile("caOCSPCert"),
        new X500Name("CN=OCSP Responder"), rsa2048)).cert();
    Extension noCheck = cert.getExtension(org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers.id_pkix_ocsp_nocheck);
    assertFalse(noCheck.isCritical());
    // RFC 6960 4.2.2.2.1: the value is NULL.
    assertEquals(org.bouncycastle.asn1.DERNull.INSTANCE, noCheck.getParsedValue());
    assertEquals(new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
        org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_OCSPSigning),
        org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(cert.getExtensions()));
    assertEquals(new KeyUsage(KeyUsage.digitalSignature), KeyUsage.fromExtensions(cert.getExtensions()));
    // No other profile's certificate says it: a relying party would skip checking it.
    X509CertificateHolder user = issuer().issue(userSigned()).cert();
    assertNull(user.getExtension(org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers.id_pkix_ocsp_nocheck));
  }

  @Test
  void subordinateCaIsRefusedUnderACaWithPathLenZero() {
    X509CertificateHolder constrained = ca.selfSigned(CA_START, CA_END, Optional.of(0));
    CertificateIssuer issuer = new CertificateIssuer(ca.token, ca.key, ca.algorithm, constrained,
        new InMemorySerialReservation(), Clock.fixed(NOW, ZoneOffset.UTC));
    CaException e = assertThrows(CaException.class, () -> issuer.issue(request(profile("caSubCACert"),
        new X500Name("CN=Sub CA"), rsa2048)));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
  }

  @Test
  void reservationRecordsTheIntentBeforeSigning() throws Exception {
    InMemorySerialReservation reservation = new InMemorySerialReservation();
    IssuedCertificate issued = issuer(reservation, new SerialNumbers(new SecureRandom()), NOW).issue(userSigned());
    CertificateIntent intent = reservation.reserved().get(issued.serial());
    assertEquals("caFullCMCUserSignedCert", intent.profileId());
    assertEquals(SIGNER, intent.subject());
    assertEquals(rsa2048, intent.publicKey());
    assertEquals(Instant.parse("2026-01-15T10:00:00Z"), intent.notBefore());
    assertEquals(CA_END, intent.notAfter());
    // What was recorded before signing is byte for byte what the token signed.
    assertArrayEquals(intent.tbsCertificate(), issued.cert().toASN1Structure().getTBSCertificate()
        .getEncoded());
    assertEquals(issued.cert(), reservation.issued().get(issued.serial()));
  }

  @Test
  void serialCollisionMakesTheIssuerDrawAgain() {
    InMemorySerialReservation reservation = new InMemorySerialReservation();
    // The first two draws give the same serial; the second must be refused and a third drawn.
    SerialNumbers serials = new SerialNumbers(new SequenceRandom(List.of(0x11, 0x11, 0x22)));
    CertificateIssuer issuer = issuer(reservation, serials, NOW);
    IssuedCertificate first = issuer.issue(userSigned());
    IssuedCertificate second = issuer.issue(userSigned());
    assertEquals(3, reservation.attempts());
    assertEquals(new SerialNumbers(new SequenceRandom(List.of(0x22))).next(), second.serial());
    assertFalse(first.serial().equals(second.serial()));
  }

  @Test
  void issuerGivesUpAfterBoundedSerialCollisions() {
    SerialReservation alwaysTaken = new SerialReservation() {
      @Override
      public boolean reserve(BigInteger serial, CertificateIntent intent) {
        return false;
      }

      @Override
      public void issued(BigInteger serial, CertificateIntent intent, X509CertificateHolder certificate) {
        throw new AssertionError("nothing can be issued without a reserved serial");
      }
    };
    CaException e = assertThrows(CaException.class,
        () -> issuer(alwaysTaken, new SerialNumbers(new SecureRandom()), NOW).issue(userSigned()));
    assertEquals(FailInfo.INTERNAL_CA_ERROR, e.failInfo());
  }

  @Test
  void expiredCaCertificateCannotIssue() {
    CaException e = assertThrows(CaException.class, () -> issuer(new InMemorySerialReservation(),
        new SerialNumbers(new SecureRandom()), CA_END.plusSeconds(1)).issue(userSigned()));
    assertEquals(FailInfo.INTERNAL_CA_ERROR, e.failInfo());
  }

  /** {@code token}, except that the signatures it makes whose 1-based count {@code which} takes have one bit flipped. */
  private static Token corrupting(Token token, java.util.function.IntPredicate which) {
    java.util.concurrent.atomic.AtomicInteger signatures = new java.util.concurrent.atomic.AtomicInteger();
    return (Token) Proxy.newProxyInstance(Token.class.getClassLoader(), new Class<?>[] {Token.class},
        (proxy, method, args) -> {
          try {
            Object result = method.invoke(token, args);
            if (method.getName().equals("sign") && which.test(signatures.incrementAndGet())) {
              byte[] signature = ((byte[]) result).clone();
              signature[signature.length / 2] ^= 0x01;
              return signature;
            }
            return result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void signatureThatDoesNotVerifyIsNeverReturned() {
    Token corrupting = corrupting(ca.token, n -> true);
    CertificateIssuer issuer = new CertificateIssuer(corrupting, ca.key, ca.algorithm, caCert,
        new InMemorySerialReservation(), Clock.fixed(NOW, ZoneOffset.UTC));
    CaException e = assertThrows(CaException.class, () -> issuer.issue(userSigned()));
    assertEquals(FailInfo.INTERNAL_CA_ERROR, e.failInfo());
    assertTrue(e.detail().contains("does not verify with the CA public key"), e.detail());
  }

  /**
   * An EC CA's own check runs on one key object for the issuer's life (crypto.EcdsaVerifiers), on which Bouncy
   * Castle switches to its fixed-point method after a few verifications: a bad signature among many good ones is
   * still caught, before and after that switch.
   */
  @Test
  void ecCaRefusesEveryBadSignatureAmongManyGoodOnes() throws Exception {
    try (TestCa ec = new TestCa("issuance-p256", new KeyPairSpec.Ec(org.p11ca.hsm.EcCurve.P256))) {
      X509CertificateHolder ecCert = ec.selfSigned(CA_START, CA_END, Optional.empty());
      Token corruptingEvery7th = corrupting(ec.token, n -> n % 7 == 0);
      CertificateIssuer issuer = new CertificateIssuer(corruptingEvery7th, ec.key, ec.algorithm, ecCert,
          new InMemorySerialReservation(), Clock.fixed(NOW, ZoneOffset.UTC));
      org.bouncycastle.operator.ContentVerifierProvider independent = new JcaContentVerifierProviderBuilder()
          .setProvider(new BouncyCastleProvider()).build(ec.publicKey());
      int refused = 0;
      for (int i = 1; i <= 42; i++) {
        if (i % 7 == 0) {
          CaException e = assertThrows(CaException.class, () -> issuer.issue(userSigned()), "signature " + i);
          assertTrue(e.detail().contains("does not verify with the CA public key"), e.detail());
          refused++;
        } else {
          assertTrue(issuer.issue(userSigned()).cert().isSignatureValid(independent), "signature " + i);
        }
      }
      assertEquals(6, refused);
    }
  }

  @Test
  void caCertificateForAnotherKeyIsRefusedAtConstruction() {
    try (TestCa other = new TestCa("issuance-other", new KeyPairSpec.Rsa(2048))) {
      X509CertificateHolder otherCert = other.selfSigned(CA_START, CA_END, Optional.empty());
      assertThrows(IllegalArgumentException.class, () -> new CertificateIssuer(ca.token, ca.key, ca.algorithm,
          otherCert, new InMemorySerialReservation(), Clock.fixed(NOW, ZoneOffset.UTC)));
    }
  }
}
