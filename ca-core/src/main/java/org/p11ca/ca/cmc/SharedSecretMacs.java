package org.p11ca.ca.cmc;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * The key derivations and MACs of the shared-secret controls, for the CA that verifies them and the client that
 * computes them: identityProofV2 (RFC 5272 sections 6.2.1 and 6.2.3) and popLinkWitnessV2 (section 6.3.1.1).
 * Only SHA-256, SHA-384 and SHA-512 are accepted, as hashes, HMACs and PBKDF2 PRFs; anything else is badAlg.
 * Secrets are UTF-8 bytes the caller owns and clears.
 */
public final class SharedSecretMacs {

  /** RFC 8018 PBKDF2 bounds: below the lower one a witness is cheap to brute-force, above the upper one a request
   * could make the CA spin for seconds. */
  public static final int PBKDF2_MIN_ITERATIONS = 1_000;
  public static final int PBKDF2_MAX_ITERATIONS = 1_000_000;

  private enum Sha {
    SHA256(NISTObjectIdentifiers.id_sha256, PKCSObjectIdentifiers.id_hmacWithSHA256, 32),
    SHA384(NISTObjectIdentifiers.id_sha384, PKCSObjectIdentifiers.id_hmacWithSHA384, 48),
    SHA512(NISTObjectIdentifiers.id_sha512, PKCSObjectIdentifiers.id_hmacWithSHA512, 64);

    final ASN1ObjectIdentifier digestOid;
    final ASN1ObjectIdentifier hmacOid;
    final int length;

    Sha(ASN1ObjectIdentifier digestOid, ASN1ObjectIdentifier hmacOid, int length) {
      this.digestOid = digestOid;
      this.hmacOid = hmacOid;
      this.length = length;
    }

    Digest newDigest() {
      return switch (this) {
        case SHA256 -> new SHA256Digest();
        case SHA384 -> new SHA384Digest();
        case SHA512 -> new SHA512Digest();
      };
    }
  }

  /** Dogtag's CMCRequest names: identityProofV2.hashAlg / popLinkWitnessV2.keyGenAlg and their macAlg. */
  private static final Map<String, Sha> DOGTAG_HASH_NAMES = Map.of("SHA-256", Sha.SHA256, "SHA-384", Sha.SHA384,
      "SHA-512", Sha.SHA512);
  private static final Map<String, Sha> DOGTAG_MAC_NAMES = Map.of("SHA-256-HMAC", Sha.SHA256, "SHA-384-HMAC",
      Sha.SHA384, "SHA-512-HMAC", Sha.SHA512);

  private SharedSecretMacs() {
  }

  /** The hash for a name such as SHA-256 (Dogtag's hashAlg values). */
  public static AlgorithmIdentifier digestAlgorithm(String name) {
    Sha sha = DOGTAG_HASH_NAMES.get(name.trim().toUpperCase(java.util.Locale.ROOT));
    if (sha == null) {
      throw new IllegalArgumentException("hash '" + name + "' is not one of " + DOGTAG_HASH_NAMES.keySet());
    }
    return new AlgorithmIdentifier(sha.digestOid);
  }

  /** The HMAC for a name such as SHA-256-HMAC (Dogtag's macAlg values); plain SHA-256 means the same. */
  public static AlgorithmIdentifier macAlgorithm(String name) {
    String key = name.trim().toUpperCase(java.util.Locale.ROOT);
    Sha sha = DOGTAG_MAC_NAMES.getOrDefault(key, DOGTAG_HASH_NAMES.get(key));
    if (sha == null) {
      throw new IllegalArgumentException("MAC '" + name + "' is not one of " + DOGTAG_MAC_NAMES.keySet());
    }
    return new AlgorithmIdentifier(sha.hmacOid, DERNull.INSTANCE);
  }

  /**
   * The SHA-2 a hash or HMAC identifier is built on, by Dogtag's name (SHA-256 for id-sha256 and hmacWithSHA256);
   * empty for anything else.
   */
  public static java.util.Optional<String> shaName(AlgorithmIdentifier alg) {
    for (Map.Entry<String, Sha> e : DOGTAG_HASH_NAMES.entrySet()) {
      if (e.getValue().digestOid.equals(alg.getAlgorithm()) || e.getValue().hmacOid.equals(alg.getAlgorithm())) {
        return java.util.Optional.of(e.getKey());
      }
    }
    return java.util.Optional.empty();
  }

  /** id-PBKDF2 with these parameters and an HMAC PRF of the given hash (RFC 8018 appendix A.2). */
  public static AlgorithmIdentifier pbkdf2(byte[] salt, int iterations, String prfHash) {
    Sha sha = DOGTAG_HASH_NAMES.get(prfHash.trim().toUpperCase(java.util.Locale.ROOT));
    if (sha == null) {
      throw new IllegalArgumentException("PBKDF2 PRF hash '" + prfHash + "' is not one of "
          + DOGTAG_HASH_NAMES.keySet());
    }
    return new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(salt, iterations,
        new AlgorithmIdentifier(sha.hmacOid, DERNull.INSTANCE)));
  }

  /**
   * The identityProofV2 MAC key: hashAlgID over the shared secret, followed by the identification's UTF-8 when the
   * request has one (RFC 5272 section 6.2.3; Dogtag always sends one).
   */
  public static byte[] identityProofKey(AlgorithmIdentifier hashAlgorithm, byte[] secret,
      Optional<String> identification) {
    return hashWithIdentification(digest(hashAlgorithm, "identityProofV2 hashAlgID"), secret, identification);
  }

  /**
   * The popLinkWitnessV2 MAC key, by what keyGenAlgorithm names. A hash (Dogtag's CMCRequest) is taken over the
   * shared secret followed by the identification, as Dogtag does; id-PBKDF2 (the RFC 6402 module's KeyDevAlgs) runs
   * over the shared secret alone with the parameters sent, giving keyLength octets or the MAC's output length.
   */
  public static byte[] popLinkKey(AlgorithmIdentifier keyGenAlgorithm, AlgorithmIdentifier macAlgorithm,
      byte[] secret, Optional<String> identification) {
    if (!PKCSObjectIdentifiers.id_PBKDF2.equals(keyGenAlgorithm.getAlgorithm())) {
      return hashWithIdentification(digest(keyGenAlgorithm, "popLinkWitnessV2 keyGenAlgorithm"), secret,
          identification);
    }
    PBKDF2Params params;
    try {
      params = PBKDF2Params.getInstance(keyGenAlgorithm.getParameters());
    } catch (RuntimeException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "popLinkWitnessV2 keyGenAlgorithm: the PBKDF2 parameters cannot"
          + " be read (RFC 8018 appendix A.2)");
    }
    if (params == null || params.getSalt() == null) {
      throw new CaException(FailInfo.BAD_REQUEST, "popLinkWitnessV2 keyGenAlgorithm: PBKDF2 needs parameters with a"
          + " salt (RFC 8018 appendix A.2)");
    }
    int iterations = params.getIterationCount().bitLength() > 31 ? Integer.MAX_VALUE
        : params.getIterationCount().intValue();
    if (iterations < PBKDF2_MIN_ITERATIONS || iterations > PBKDF2_MAX_ITERATIONS) {
      throw new CaException(FailInfo.BAD_ALG, "popLinkWitnessV2 PBKDF2 iteration count "
          + params.getIterationCount() + " is outside what this CA accepts (" + PBKDF2_MIN_ITERATIONS + " to "
          + PBKDF2_MAX_ITERATIONS + ")");
    }
    Sha prf = hmac(params.getPrf(), "popLinkWitnessV2 PBKDF2 prf");
    int length = params.getKeyLength() == null ? hmac(macAlgorithm, "popLinkWitnessV2 macAlgorithm").length
        : params.getKeyLength().intValue();
    if (length < 16 || length > 64) {
      throw new CaException(FailInfo.BAD_ALG, "popLinkWitnessV2 PBKDF2 keyLength " + params.getKeyLength()
          + " is outside 16 to 64 octets");
    }
    PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(prf.newDigest());
    gen.init(secret, params.getSalt(), iterations);
    return ((KeyParameter) gen.generateDerivedMacParameters(length * 8)).getKey();
  }

  /** HMAC of {@code message} under {@code key} with the named algorithm. */
  public static byte[] mac(AlgorithmIdentifier macAlgorithm, byte[] key, byte[] message, String field) {
    Sha sha = hmac(macAlgorithm, field);
    HMac mac = new HMac(sha.newDigest());
    mac.init(new KeyParameter(key));
    mac.update(message, 0, message.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
  }

  /** Compares a computed witness with a sent one in time independent of where they differ. */
  public static boolean sameWitness(byte[] computed, byte[] sent) {
    return MessageDigest.isEqual(computed, sent);
  }

  private static byte[] hashWithIdentification(Sha sha, byte[] secret, Optional<String> identification) {
    Digest d = sha.newDigest();
    d.update(secret, 0, secret.length);
    identification.ifPresent(id -> {
      byte[] bytes = id.getBytes(UTF_8);
      d.update(bytes, 0, bytes.length);
    });
    byte[] out = new byte[d.getDigestSize()];
    d.doFinal(out, 0);
    return out;
  }

  private static Sha digest(AlgorithmIdentifier alg, String field) {
    for (Sha sha : Sha.values()) {
      if (sha.digestOid.equals(alg.getAlgorithm())) {
        return sha;
      }
    }
    throw new CaException(FailInfo.BAD_ALG, field + " " + alg.getAlgorithm().getId()
        + " is not a hash this CA accepts (SHA-256, SHA-384, SHA-512)");
  }

  private static Sha hmac(AlgorithmIdentifier alg, String field) {
    if (alg == null) {
      // PBKDF2-params without prf means HMAC-SHA1 (RFC 8018 appendix A.2).
      throw new CaException(FailInfo.BAD_ALG, field + " is HMAC-SHA1 (the PBKDF2 default), which this CA does not"
          + " accept: name hmacWithSHA256, hmacWithSHA384 or hmacWithSHA512");
    }
    for (Sha sha : Sha.values()) {
      if (sha.hmacOid.equals(alg.getAlgorithm())) {
        return sha;
      }
    }
    throw new CaException(FailInfo.BAD_ALG, field + " " + alg.getAlgorithm().getId()
        + " is not a MAC this CA accepts (hmacWithSHA256, hmacWithSHA384, hmacWithSHA512)");
  }
}
