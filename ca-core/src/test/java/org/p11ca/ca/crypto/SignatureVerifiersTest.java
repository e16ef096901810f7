package org.p11ca.ca.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SignatureVerifiersTest {

  static KeyPair rsa;
  static KeyPair p256;

  @BeforeAll
  static void keys() {
    rsa = TestKeys.RSA;
    p256 = TestKeys.P256;
  }

  static PKCS10CertificationRequest csr(KeyPair pair, String algorithm) throws Exception {
    return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=verifier test"), pair.getPublic())
        .build(new JcaContentSignerBuilder(algorithm).setProvider(new BouncyCastleProvider()).build(pair.getPrivate()));
  }

  static PKCS10CertificationRequest tampered(PKCS10CertificationRequest csr) {
    byte[] signature = csr.getSignature();
    signature[signature.length / 2] ^= 0x01;
    return withSignature(csr, signature);
  }

  @Test
  void rsaSignaturesVerifyAndTamperedOnesDoNot() throws Exception {
    for (String algorithm : new String[] {"SHA1withRSA", "SHA224withRSA", "SHA256withRSA", "SHA384withRSA",
        "SHA512withRSA", "SHA256withRSAandMGF1"}) {
      PKCS10CertificationRequest csr = csr(rsa, algorithm);
      SubjectPublicKeyInfo key = csr.getSubjectPublicKeyInfo();
      assertTrue(csr.isSignatureValid(SignatureVerifiers.of(key)), algorithm);
      assertTrue(csr.isSignatureValid(SignatureVerifiers.of(rsa.getPublic())), algorithm);
      assertFalse(tampered(csr).isSignatureValid(SignatureVerifiers.of(key)), algorithm);
    }
  }

  @Test
  void ecSignaturesVerifyAndTamperedOnesDoNot() throws Exception {
    PKCS10CertificationRequest csr = csr(p256, "SHA256withECDSA");
    assertTrue(csr.isSignatureValid(SignatureVerifiers.of(csr.getSubjectPublicKeyInfo())));
    assertTrue(csr.isSignatureValid(SignatureVerifiers.of(p256.getPublic())));
    assertFalse(tampered(csr).isSignatureValid(SignatureVerifiers.of(csr.getSubjectPublicKeyInfo())));
  }

  static PKCS10CertificationRequest withSignature(PKCS10CertificationRequest csr, byte[] signature) {
    return new PKCS10CertificationRequest(new CertificationRequest(csr.toASN1Structure().getCertificationRequestInfo(),
        csr.getSignatureAlgorithm(), new DERBitString(signature)));
  }

  /**
   * Signatures the provider cannot even process do not verify, like any bad signature: not an exception that
   * Bouncy Castle's PKCS#10 and CRMF checks would pass up unchanged.
   */
  @Test
  void signaturesTheProviderCannotProcessDoNotVerify() throws Exception {
    PKCS10CertificationRequest rsaCsr = csr(rsa, "SHA256withRSA");
    byte[] shortened = Arrays.copyOf(rsaCsr.getSignature(), rsaCsr.getSignature().length - 1);
    assertFalse(withSignature(rsaCsr, shortened).isSignatureValid(SignatureVerifiers.of(rsa.getPublic())));
    assertFalse(withSignature(rsaCsr, shortened)
        .isSignatureValid(SignatureVerifiers.of(rsaCsr.getSubjectPublicKeyInfo())));
    PKCS10CertificationRequest ecCsr = csr(p256, "SHA256withECDSA");
    byte[] notDer = {0x30, 0x03, 0x02, 0x01};
    assertFalse(withSignature(ecCsr, notDer).isSignatureValid(SignatureVerifiers.of(ecCsr.getSubjectPublicKeyInfo())));
    PKCS10CertificationRequest pssCsr = csr(rsa, "SHA256withRSAandMGF1");
    assertFalse(withSignature(pssCsr, new byte[300]).isSignatureValid(SignatureVerifiers.of(rsa.getPublic())));
  }

  @Test
  void anRsaKeyHasNoVerifierForAnotherKeyTypesAlgorithm() throws Exception {
    AlgorithmIdentifier ecdsa = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
    OperatorCreationException e = assertThrows(OperatorCreationException.class,
        () -> SignatureVerifiers.of(rsa.getPublic()).get(ecdsa));
    assertTrue(e.getMessage().startsWith("cannot verify signatures of algorithm 1.2.840.10045.4.3.2 with an RSA key"),
        e.getMessage());
  }

  @Test
  void aSignatureDoesNotVerifyWithAnotherKey() throws Exception {
    PKCS10CertificationRequest csr = csr(rsa, "SHA256withRSA");
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    assertFalse(csr.isSignatureValid(SignatureVerifiers.of(g.generateKeyPair().getPublic())));
  }

  /**
   * RSA keys come from the JDK: Bouncy Castle's own RSA keys run Miller-Rabin rounds on every modulus they have not
   * seen lately (milliseconds per subscriber). EC keys stay with Bouncy Castle, whose P-256 verification is the
   * faster one on Java 17.
   */
  @Test
  void rsaKeysAreTheJdksAndEcKeysBouncyCastles() throws IOException {
    PublicKey rsaKey = SignatureVerifiers.publicKey(SubjectPublicKeyInfo.getInstance(rsa.getPublic().getEncoded()));
    assertTrue(rsaKey instanceof RSAPublicKey);
    assertFalse(rsaKey.getClass().getName().startsWith("org.bouncycastle"), rsaKey.getClass().getName());
    assertEquals(rsa.getPublic(), rsaKey);
    PublicKey ecKey = SignatureVerifiers.publicKey(SubjectPublicKeyInfo.getInstance(p256.getPublic().getEncoded()));
    assertTrue(ecKey.getClass().getName().startsWith("org.bouncycastle"), ecKey.getClass().getName());
  }

  /** The profile's key check refuses such a key with a reason; building a verifier for it is not where that happens. */
  @Test
  void rsaVerifiersAreBuiltForAModulusWithASmallFactor() throws Exception {
    BigInteger modulus = BigInteger.probablePrime(2040, new SecureRandom()).multiply(BigInteger.valueOf(3));
    SubjectPublicKeyInfo weak = new SubjectPublicKeyInfo(
        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
        new org.bouncycastle.asn1.pkcs.RSAPublicKey(modulus, BigInteger.valueOf(65537)));
    PKCS10CertificationRequest csr = csr(rsa, "SHA256withRSA");
    assertFalse(csr.isSignatureValid(SignatureVerifiers.of(weak)));
    assertEquals(modulus, ((RSAPublicKey) SignatureVerifiers.publicKey(weak)).getModulus());
  }

  @Test
  void malformedKeysAreAnIoExceptionWithTheAlgorithm() {
    SubjectPublicKeyInfo notRsa = new SubjectPublicKeyInfo(
        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), new byte[] {1, 2, 3});
    IOException e = assertThrows(IOException.class, () -> SignatureVerifiers.publicKey(notRsa));
    assertTrue(e.getMessage().startsWith("public key of algorithm 1.2.840.113549.1.1.1 cannot be read"),
        e.getMessage());
  }
}
