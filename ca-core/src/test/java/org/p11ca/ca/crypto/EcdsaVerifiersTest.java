package org.p11ca.ca.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ECDSA verification on one key object ({@link EcdsaVerifiers}) gives Bouncy Castle's JCA answer for every
 * signature, also after Bouncy Castle has switched the point to its fixed-point method (many signatures of one key),
 * and from several threads at once.
 */
class EcdsaVerifiersTest {

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  static KeyPair p256;
  static KeyPair p384;
  static KeyPair p521;

  @BeforeAll
  static void keys() throws Exception {
    p256 = ecKey("secp256r1");
    p384 = ecKey("secp384r1");
    p521 = ecKey("secp521r1");
  }

  private static KeyPair ecKey(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  private static SubjectPublicKeyInfo spki(KeyPair pair) {
    return SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
  }

  private static byte[] sign(KeyPair pair, String algorithm, byte[] message) throws Exception {
    Signature s = Signature.getInstance(algorithm);
    s.initSign(pair.getPrivate());
    s.update(message);
    return s.sign();
  }

  private static AlgorithmIdentifier algorithm(String name) {
    return new DefaultSignatureAlgorithmIdentifierFinder().find(name);
  }

  private static boolean verifies(ContentVerifierProvider provider, AlgorithmIdentifier algorithm, byte[] message,
      byte[] signature) throws Exception {
    ContentVerifier verifier = provider.get(algorithm);
    try (OutputStream in = verifier.getOutputStream()) {
      in.write(message, 0, message.length / 3);
      in.write(message[message.length / 3]);
      in.write(message, message.length / 3 + 1, message.length - message.length / 3 - 1);
    }
    return verifier.verify(signature);
  }

  private static boolean bouncyCastleJca(KeyPair pair, AlgorithmIdentifier algorithm, byte[] message,
      byte[] signature) throws Exception {
    try {
      return verifies(new JcaContentVerifierProviderBuilder().setProvider(BC).build(pair.getPublic()), algorithm,
          message, signature);
    } catch (org.bouncycastle.operator.RuntimeOperatorException e) {
      return false;
    }
  }

  @Test
  void everyCurveAndSha2DigestVerifiesOnTheLightweightPath() throws Exception {
    byte[] message = "an issued certificate's TBSCertificate".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (KeyPair pair : new KeyPair[] {p256, p384, p521}) {
      ContentVerifierProvider provider = SignatureVerifiers.of(spki(pair));
      assertInstanceOf(EcdsaVerifiers.class, provider);
      assertInstanceOf(EcdsaVerifiers.class, SignatureVerifiers.of(pair.getPublic()));
      for (String name : new String[] {"SHA224withECDSA", "SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA"}) {
        byte[] signature = sign(pair, name, message);
        assertTrue(verifies(provider, algorithm(name), message, signature), name);
        byte[] other = message.clone();
        other[0] ^= 1;
        assertFalse(verifies(provider, algorithm(name), other, signature), name + " over another message");
        String wrongDigest = name.equals("SHA256withECDSA") ? "SHA384withECDSA" : "SHA256withECDSA";
        assertFalse(verifies(provider, algorithm(wrongDigest), message, signature), name + " as " + wrongDigest);
      }
    }
  }

  /**
   * A thousand signatures of one key through one provider, a tenth of them tampered: the answers are Bouncy
   * Castle's JCA answers, before and after the point's precomputation is promoted.
   */
  @Test
  void manySignaturesOfOneKeyGiveBouncyCastlesAnswers() throws Exception {
    ContentVerifierProvider provider = SignatureVerifiers.of(spki(p256));
    AlgorithmIdentifier sha256 = algorithm("SHA256withECDSA");
    Random random = new Random(7);
    int valid = 0;
    for (int i = 0; i < 1000; i++) {
      byte[] message = new byte[1 + random.nextInt(2000)];
      random.nextBytes(message);
      byte[] signature = sign(p256, "SHA256withECDSA", message);
      if (i % 10 == 3) {
        signature[8 + random.nextInt(signature.length - 8)] ^= (byte) (1 << random.nextInt(8));
      }
      boolean ours = verifies(provider, sha256, message, signature);
      assertEquals(bouncyCastleJca(p256, sha256, message, signature), ours, "signature " + i);
      valid += ours ? 1 : 0;
    }
    assertTrue(valid >= 900, valid + " of 1000 verified");
  }

  @Test
  void oneProviderServesSeveralThreadsAtOnce() throws Exception {
    ContentVerifierProvider provider = SignatureVerifiers.of(spki(p256));
    AlgorithmIdentifier sha256 = algorithm("SHA256withECDSA");
    List<byte[]> messages = new ArrayList<>();
    List<byte[]> signatures = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      byte[] m = ("message " + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      messages.add(m);
      signatures.add(sign(p256, "SHA256withECDSA", m));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        results.add(pool.submit(() -> {
          int wrong = 0;
          for (int i = 0; i < 200; i++) {
            int k = (i + offset * 16) % messages.size();
            // Each signature against its own message (valid) and against the next one (not).
            wrong += verifies(provider, sha256, messages.get(k), signatures.get(k)) ? 0 : 1;
            wrong += verifies(provider, sha256, messages.get((k + 1) % messages.size()), signatures.get(k)) ? 1 : 0;
          }
          return wrong;
        }));
      }
      for (Future<Integer> r : results) {
        assertEquals(0, r.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Not a DER SEQUENCE of two integers in [1, n-1]: not a valid signature, and not an exception. */
  @Test
  void signatureValuesOutsideTheRulesDoNotVerify() throws Exception {
    ContentVerifierProvider provider = SignatureVerifiers.of(spki(p256));
    AlgorithmIdentifier sha256 = algorithm("SHA256withECDSA");
    byte[] message = {1, 2, 3};
    byte[] good = sign(p256, "SHA256withECDSA", message);
    assertTrue(verifies(provider, sha256, message, good));
    org.bouncycastle.asn1.ASN1Sequence rs = org.bouncycastle.asn1.ASN1Sequence.getInstance(good);
    BigInteger r = ASN1Integer.getInstance(rs.getObjectAt(0)).getValue();
    BigInteger s = ASN1Integer.getInstance(rs.getObjectAt(1)).getValue();
    BigInteger n = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    List<byte[]> bad = new ArrayList<>();
    bad.add(new byte[0]);
    bad.add(new byte[] {0x30, 0x03, 0x02, 0x01});
    bad.add(pair(BigInteger.ZERO, s));
    bad.add(pair(r, BigInteger.ZERO));
    bad.add(pair(r.add(n), s));
    bad.add(pair(r, s.add(n)));
    bad.add(pair(r.negate(), s));
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    bad.add(trailing);
    // The same SEQUENCE with a long-form length: BER, not DER.
    byte[] longForm = new byte[good.length + 1];
    longForm[0] = 0x30;
    longForm[1] = (byte) 0x81;
    System.arraycopy(good, 1, longForm, 2, good.length - 1);
    bad.add(longForm);
    for (byte[] signature : bad) {
      assertFalse(verifies(provider, sha256, message, signature), java.util.HexFormat.of().formatHex(signature));
      assertEquals(bouncyCastleJca(p256, sha256, message, signature), false);
    }
  }

  private static byte[] pair(BigInteger r, BigInteger s) throws Exception {
    return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded();
  }

  /** ECDSA with SHA-1, or an identifier with parameters RFC 5758 forbids: Bouncy Castle's JCA verifiers decide. */
  @Test
  void otherAlgorithmsGoToBouncyCastlesJcaVerifiers() throws Exception {
    ContentVerifierProvider provider = SignatureVerifiers.of(spki(p256));
    byte[] message = {4, 5, 6};
    byte[] sha1Signature = sign(p256, "SHA1withECDSA", message);
    assertTrue(verifies(provider, algorithm("SHA1withECDSA"), message, sha1Signature));
    assertFalse(verifies(provider, algorithm("SHA1withECDSA"), new byte[] {4, 5}, sha1Signature));
    AlgorithmIdentifier withNull = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256, DERNull.INSTANCE);
    byte[] signature = sign(p256, "SHA256withECDSA", message);
    assertEquals(bouncyCastleJca(p256, withNull, message, signature), verifies(provider, withNull, message,
        signature));
  }

  @Test
  void aPointOffTheCurveIsRefusedWithAReason() throws Exception {
    byte[] encoded = p256.getPublic().getEncoded();
    encoded[encoded.length - 1] ^= 1;
    OperatorCreationException e = assertThrows(OperatorCreationException.class,
        () -> SignatureVerifiers.of(SubjectPublicKeyInfo.getInstance(encoded)));
    assertTrue(e.getMessage().startsWith("EC public key cannot be read: "), e.getMessage());
  }
}
