package org.p11ca.bench.cmc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreshRsaKeysTest {

  @Test
  void pairsEnumerateEveryPairOfDistinctPrimesOnce() {
    Set<List<Integer>> seen = new HashSet<>();
    for (long k = 0; k < 4950; k++) {
      int[] ij = FreshRsaKeys.pair(k);
      assertTrue(ij[1] < ij[0] && ij[0] < FreshRsaKeys.primesFor(k + 1), k + " -> " + ij[0] + "," + ij[1]);
      assertTrue(seen.add(List.of(ij[0], ij[1])), "pair of key " + k + " repeats");
    }
    assertEquals(100, FreshRsaKeys.primesFor(4950));
    assertArrayEquals(new int[] {1, 0}, FreshRsaKeys.pair(0));
    assertArrayEquals(new int[] {2, 1}, FreshRsaKeys.pair(2));
  }

  @Test
  void keysAreDistinctWorking2048BitKeysAcrossCalls() throws Exception {
    FreshRsaKeys keys = new FreshRsaKeys(new SecureRandom());
    List<KeyPair> first = keys.next(4);
    List<KeyPair> second = keys.next(6);
    Set<BigInteger> moduli = new HashSet<>();
    for (KeyPair pair : concat(first, second)) {
      RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
      assertEquals(2048, pub.getModulus().bitLength());
      assertTrue(moduli.add(pub.getModulus()), "a modulus repeats");
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(pair.getPrivate());
      s.update(new byte[] {1, 2, 3});
      byte[] sig = s.sign();
      Signature v = Signature.getInstance("SHA256withRSA");
      v.initVerify(pub);
      v.update(new byte[] {1, 2, 3});
      assertTrue(v.verify(sig));
    }
  }

  private static List<KeyPair> concat(List<KeyPair> a, List<KeyPair> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
