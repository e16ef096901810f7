package org.p11ca.bench.cmc;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * RSA-2048 subscriber keys that no request shares, made cheaply enough to give every request its own: each key is
 * the product of two 1024-bit primes from a pool that grows as needed, and each pair of primes is used once, so n
 * keys take about sqrt(2n) primes (tens of milliseconds each) instead of n key generations (about 100 ms each).
 *
 * <p>Keys that share primes with other keys are worthless outside a benchmark. Here they only have to be what a
 * CA sees from real subscribers: a modulus it has not seen before, with a valid signature POP.
 */
final class FreshRsaKeys {

  private static final BigInteger E = BigInteger.valueOf(65537);

  private final SecureRandom random;
  private final List<BigInteger> primes = new ArrayList<>();
  private long handedOut;

  FreshRsaKeys(SecureRandom random) {
    this.random = random;
  }

  /** The next {@code count} key pairs, each on a pair of primes no earlier key used. */
  synchronized List<KeyPair> next(int count) {
    long first = handedOut;
    handedOut += count;
    int needed = primesFor(handedOut);
    if (needed > primes.size()) {
      primes.addAll(IntStream.range(primes.size(), needed).parallel().mapToObj(i -> prime()).toList());
    }
    List<BigInteger> pool = List.copyOf(primes);
    return LongStream.range(first, handedOut).parallel().mapToObj(k -> keyPair(pool, k)).toList();
  }

  /** How many primes key number {@code k} (from 0) needs: pairs (i, j) with j < i, in the order of i. */
  static int primesFor(long keys) {
    int m = 2;
    while ((long) m * (m - 1) / 2 < keys) {
      m++;
    }
    return m;
  }

  /** Key number {@code k} is the pair (i, j), j < i, with k = i(i-1)/2 + j. */
  static int[] pair(long k) {
    int i = (int) ((1 + Math.sqrt(1 + 8.0 * k)) / 2);
    while ((long) i * (i - 1) / 2 > k) {
      i--;
    }
    while ((long) (i + 1) * i / 2 <= k) {
      i++;
    }
    return new int[] {i, (int) (k - (long) i * (i - 1) / 2)};
  }

  private static KeyPair keyPair(List<BigInteger> pool, long k) {
    int[] ij = pair(k);
    BigInteger p = pool.get(ij[0]);
    BigInteger q = pool.get(ij[1]);
    BigInteger n = p.multiply(q);
    BigInteger pMinus1 = p.subtract(BigInteger.ONE);
    BigInteger qMinus1 = q.subtract(BigInteger.ONE);
    BigInteger d = E.modInverse(pMinus1.multiply(qMinus1));
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      return new KeyPair(rsa.generatePublic(new RSAPublicKeySpec(n, E)),
          rsa.generatePrivate(new RSAPrivateCrtKeySpec(n, E, d, p, q, d.mod(pMinus1), d.mod(qMinus1),
              q.modInverse(p))));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make an RSA key from two primes", e);
    }
  }

  /**
   * A 1024-bit prime p with p - 1 prime to e, over 1.5 x 2^1023, so that any two make a 2048-bit modulus.
   */
  private BigInteger prime() {
    while (true) {
      BigInteger p = BigInteger.probablePrime(1024, random);
      if (p.testBit(1022) && !p.subtract(BigInteger.ONE).mod(E).equals(BigInteger.ZERO)) {
        return p;
      }
    }
  }
}
