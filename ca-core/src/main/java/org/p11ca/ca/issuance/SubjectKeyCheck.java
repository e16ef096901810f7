package org.p11ca.ca.issuance;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.KeyConstraints;
import org.p11ca.ca.profile.NamedCurve;
import org.p11ca.ca.profile.Profile;

/** Refuses a subject public key the profile does not accept, before anything is signed. */
final class SubjectKeyCheck {

  private static final SmallPrimes SMALL_PRIMES = SmallPrimes.below(752);

  private SubjectKeyCheck() {
  }

  static void require(Profile profile, SubjectPublicKeyInfo spki) {
    KeyConstraints keys = profile.keys();
    ASN1ObjectIdentifier algorithm = spki.getAlgorithm().getAlgorithm();
    if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
      int minBits = keys.rsaMinBits().orElseThrow(() ->
          new CaException(FailInfo.BAD_ALG, "profile " + profile.id() + " does not accept RSA keys"));
      RSAPublicKey key = rsaKey(spki);
      int bits = key.getModulus().bitLength();
      if (bits < minBits) {
        throw new CaException(FailInfo.BAD_REQUEST,
            "RSA key of " + bits + " bits is below the profile's minimum " + minBits);
      }
      requireSoundRsa(key);
    } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
      // RFC 5480 2.1.1: subscriber keys name their curve; implicitCA and specifiedCurve MUST NOT be used.
      ASN1Encodable params = spki.getAlgorithm().getParameters();
      if (!(params instanceof ASN1ObjectIdentifier curveOid)) {
        throw new CaException(FailInfo.BAD_ALG, "EC key without a named curve (RFC 5480 2.1.1)");
      }
      boolean accepted = NamedCurve.ofOid(curveOid).filter(keys.ecCurves()::contains).isPresent();
      if (!accepted) {
        String name = ECNamedCurveTable.getName(curveOid);
        throw new CaException(FailInfo.BAD_ALG, "EC curve " + (name != null ? name : curveOid.getId())
            + " is not accepted by profile " + profile.id() + " (accepted: " + keys.ecCurves() + ")");
      }
    } else {
      throw new CaException(FailInfo.BAD_ALG, "key algorithm " + algorithm.getId() + " is not accepted by profile "
          + profile.id());
    }
  }

  /**
   * The checks of CA/Browser Forum Baseline Requirements 6.1.6 that cost microseconds: an odd public exponent of at
   * least 3 and an odd modulus with no factor smaller than 752. Not whether the modulus is a prime power: that takes
   * a primality test, milliseconds of CPU per key, on every request (the BRs make all of these a SHOULD).
   */
  private static void requireSoundRsa(RSAPublicKey key) {
    BigInteger e = key.getPublicExponent();
    if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0) {
      throw new CaException(FailInfo.BAD_REQUEST, "RSA public exponent " + e + " is not an odd number of at least 3");
    }
    BigInteger n = key.getModulus();
    if (!n.testBit(0)) {
      throw new CaException(FailInfo.BAD_REQUEST, "RSA modulus is even");
    }
    if (hasSmallOddFactor(n)) {
      throw new CaException(FailInfo.BAD_REQUEST, "RSA modulus has a prime factor smaller than 752"
          + " (CA/Browser Forum Baseline Requirements 6.1.6)");
    }
  }

  /**
   * Whether an odd prime below 752 divides {@code n}: one BigInteger division by their product, then one by each
   * word-sized group of them and word arithmetic. About 14 us per 2048-bit modulus, against 30-45 us for
   * {@code n.gcd(product)} (BigInteger's binary GCD), and every request runs it twice (check, then issue).
   */
  private static boolean hasSmallOddFactor(BigInteger n) {
    BigInteger remainder = n.mod(SMALL_PRIMES.product());
    for (int g = 0; g < SMALL_PRIMES.groups().length; g++) {
      long groupRemainder = remainder.mod(SMALL_PRIMES.groupProducts()[g]).longValueExact();
      for (int prime : SMALL_PRIMES.groups()[g]) {
        if (groupRemainder % prime == 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The odd primes below a limit, their product, and the same primes in groups whose products fit in a long. */
  private record SmallPrimes(BigInteger product, int[][] groups, BigInteger[] groupProducts) {

    static SmallPrimes below(int limit) {
      List<int[]> groups = new ArrayList<>();
      List<BigInteger> groupProducts = new ArrayList<>();
      List<Integer> group = new ArrayList<>();
      BigInteger product = BigInteger.ONE;
      long groupProduct = 1;
      for (int candidate = 3; candidate < limit; candidate += 2) {
        if (!BigInteger.valueOf(candidate).isProbablePrime(64)) {
          continue;
        }
        if (groupProduct > Long.MAX_VALUE / candidate) {
          groups.add(group.stream().mapToInt(Integer::intValue).toArray());
          groupProducts.add(BigInteger.valueOf(groupProduct));
          group.clear();
          groupProduct = 1;
        }
        group.add(candidate);
        groupProduct *= candidate;
        product = product.multiply(BigInteger.valueOf(candidate));
      }
      groups.add(group.stream().mapToInt(Integer::intValue).toArray());
      groupProducts.add(BigInteger.valueOf(groupProduct));
      return new SmallPrimes(product, groups.toArray(int[][]::new), groupProducts.toArray(BigInteger[]::new));
    }
  }

  private static RSAPublicKey rsaKey(SubjectPublicKeyInfo spki) {
    try {
      RSAPublicKey key = RSAPublicKey.getInstance(spki.parsePublicKey());
      if (key == null) {
        throw new IllegalArgumentException("an empty subjectPublicKey");
      }
      return key;
    } catch (IOException | RuntimeException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the RSA public key is not a valid RSAPublicKey (RFC 8017 A.1.1)",
          e);
    }
  }
}
