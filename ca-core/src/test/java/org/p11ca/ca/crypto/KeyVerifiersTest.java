package org.p11ca.ca.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/** Verifiers kept per key: the same provider for the same key, a bounded number of keys, correct answers. */
class KeyVerifiersTest {

  private static final KeyPair rsa = TestKeys.RSA;
  private static final KeyPair p256 = TestKeys.P256;
  private static final KeyPair otherP256 = TestKeys.OTHER_P256;

  private static SubjectPublicKeyInfo spki(KeyPair pair) {
    return SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
  }

  @Test
  void theSameKeyGetsTheSameVerifiersAndAnotherKeyItsOwn() throws Exception {
    KeyVerifiers kept = new KeyVerifiers(8);
    ContentVerifierProvider first = kept.of(spki(p256));
    // An equal key from other bytes in memory (a second parse of the same encoding) finds the kept one.
    assertSame(first, kept.of(SubjectPublicKeyInfo.getInstance(p256.getPublic().getEncoded())));
    assertNotSame(first, kept.of(spki(otherP256)));
    assertNotSame(first, kept.of(spki(rsa)));
    assertEquals(3, kept.size());
  }

  @Test
  void keptVerifiersGiveTheRightAnswers() throws Exception {
    KeyVerifiers kept = new KeyVerifiers(4);
    for (KeyPair pair : new KeyPair[] {rsa, p256}) {
      String algorithm = pair == rsa ? "SHA256withRSA" : "SHA256withECDSA";
      for (int i = 0; i < 20; i++) {
        PKCS10CertificationRequest csr = SignatureVerifiersTest.csr(pair, algorithm);
        assertTrue(csr.isSignatureValid(kept.of(spki(pair))), algorithm + " " + i);
        assertFalse(SignatureVerifiersTest.tampered(csr).isSignatureValid(kept.of(spki(pair))), algorithm + " " + i);
      }
    }
    PKCS10CertificationRequest byP256 = SignatureVerifiersTest.csr(p256, "SHA256withECDSA");
    assertFalse(byP256.isSignatureValid(kept.of(spki(otherP256))));
  }

  @Test
  void theLeastRecentlyUsedKeyIsDroppedBeyondTheCapacity() throws Exception {
    KeyVerifiers kept = new KeyVerifiers(2);
    ContentVerifierProvider forRsa = kept.of(spki(rsa));
    ContentVerifierProvider forP256 = kept.of(spki(p256));
    assertSame(forRsa, kept.of(spki(rsa)));
    kept.of(spki(otherP256));
    assertEquals(2, kept.size());
    assertSame(forRsa, kept.of(spki(rsa)));
    assertNotSame(forP256, kept.of(spki(p256)));
  }

  @Test
  void anUnreadableKeyIsRefusedAndNotKept() {
    KeyVerifiers kept = new KeyVerifiers(2);
    SubjectPublicKeyInfo notRsa = new SubjectPublicKeyInfo(
        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), new byte[] {1, 2, 3});
    assertThrows(OperatorCreationException.class, () -> kept.of(notRsa));
    assertEquals(0, kept.size());
    assertThrows(IllegalArgumentException.class, () -> new KeyVerifiers(0));
  }

  @Test
  void threadsShareTheKeptVerifiers() throws Exception {
    KeyVerifiers kept = new KeyVerifiers(2);
    PKCS10CertificationRequest csr = SignatureVerifiersTest.csr(p256, "SHA256withECDSA");
    PKCS10CertificationRequest other = SignatureVerifiersTest.csr(otherP256, "SHA256withECDSA");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        wrong.add(pool.submit(() -> {
          int n = 0;
          for (int i = 0; i < 100; i++) {
            n += csr.isSignatureValid(kept.of(spki(p256))) ? 0 : 1;
            n += other.isSignatureValid(kept.of(spki(otherP256))) ? 0 : 1;
            n += csr.isSignatureValid(kept.of(spki(otherP256))) ? 1 : 0;
          }
          return n;
        }));
      }
      for (Future<Integer> w : wrong) {
        assertEquals(0, w.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, kept.size());
  }
}
