package org.p11ca.ca.issuance;

import java.io.IOException;
import java.math.BigInteger;
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

  private static final BigInteger ODD_PRIMES_BELOW_752 = productOfOddPrimesBelow(752);

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
    // ~30 us of BigInteger's GCD per key; grouped word remainders were barely faster and need more code.
    if (!n.gcd(ODD_PRIMES_BELOW_752).equals(BigInteger.ONE)) {
      throw new CaException(FailInfo.BAD_REQUEST, "RSA modulus has a prime factor smaller than 752"
          + " (CA/Browser Forum Baseline Requirements 6.1.6)");
    }
  }

  private static BigInteger productOfOddPrimesBelow(int limit) {
    BigInteger product = BigInteger.ONE;
    for (int candidate = 3; candidate < limit; candidate += 2) {
      if (BigInteger.valueOf(candidate).isProbablePrime(64)) {
        product = product.multiply(BigInteger.valueOf(candidate));
      }
    }
    return product;
  }

  private static RSAPublicKey rsaKey(SubjectPublicKeyInfo spki) {
    try {
      return RSAPublicKey.getInstance(spki.parsePublicKey());
    } catch (IOException | IllegalArgumentException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the RSA public key is not a valid RSAPublicKey (RFC 8017 A.1.1)",
          e);
    }
  }
}
