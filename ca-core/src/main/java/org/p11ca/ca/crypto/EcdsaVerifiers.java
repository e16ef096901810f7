package org.p11ca.ca.crypto;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.jcajce.io.OutputStreamFactory;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * ECDSA with SHA-2 on Bouncy Castle's lightweight API, one key object for every signature checked with the key.
 *
 * <p>Why not Bouncy Castle's JCA verifiers: each of them builds the public point afresh, so the precomputation
 * Bouncy Castle keeps on a point it has seen is lost every time. On one key object, after a few verifications Bouncy
 * Castle moves the point to its fixed-point method, and a P-256 verification costs ~90 us instead of ~200 us (one
 * core of the 2-core test machine, 2026-12-07). The CA checks every certificate, CRL and OCSP response its token
 * signs with one such provider for its own key. The message is hashed by the JDK (SHA instructions, see
 * {@link DigestCalculators}). Other algorithms go to {@code others}, built when one is asked for.
 */
final class EcdsaVerifiers extends SignatureVerifiers.ForKey {

  private static final Map<ASN1ObjectIdentifier, String> DIGESTS = Map.of(
      X9ObjectIdentifiers.ecdsa_with_SHA224, "SHA-224",
      X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA-256",
      X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA-384",
      X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA-512");

  private final ECPublicKeyParameters key;
  private final SignatureVerifiers.Fallback others;

  private EcdsaVerifiers(ECPublicKeyParameters key, SignatureVerifiers.Fallback others) {
    this.key = key;
    this.others = others;
  }

  /**
   * @throws IOException when {@code key} is not a readable EC public key (unknown curve, a point not on it)
   */
  static EcdsaVerifiers of(SubjectPublicKeyInfo key, SignatureVerifiers.Fallback others) throws IOException {
    Object parsed;
    try {
      parsed = PublicKeyFactory.createKey(key);
    } catch (IOException | RuntimeException e) {
      throw new IOException("EC public key cannot be read: " + e.getMessage(), e);
    }
    if (!(parsed instanceof ECPublicKeyParameters ec)) {
      throw new IOException("EC public key cannot be read: it is not an EC key to Bouncy Castle");
    }
    return new EcdsaVerifiers(ec, others);
  }

  @Override
  public ContentVerifier get(AlgorithmIdentifier signatureAlgorithm) throws OperatorCreationException {
    String digest = DIGESTS.get(signatureAlgorithm.getAlgorithm());
    // RFC 5758 section 3.2: the ecdsa-with-SHA2 identifiers have no parameters.
    if (digest == null || signatureAlgorithm.getParameters() != null) {
      return others.build().get(signatureAlgorithm);
    }
    try {
      return new Verifier(signatureAlgorithm, MessageDigest.getInstance(digest), key);
    } catch (NoSuchAlgorithmException e) {
      throw new OperatorCreationException("the JDK has no " + digest + ": " + e.getMessage(), e);
    }
  }

  private static final class Verifier extends StreamVerifier {
    private final MessageDigest digest;
    private final ECPublicKeyParameters key;

    Verifier(AlgorithmIdentifier algorithm, MessageDigest digest, ECPublicKeyParameters key) {
      super(algorithm, OutputStreamFactory.createStream(digest));
      this.digest = digest;
      this.key = key;
    }

    /**
     * A value that is not a DER SEQUENCE of two integers in [1, n-1] is not a valid signature. Bouncy Castle's decoder
     * answers some such values with unchecked exceptions (a cast, a null sequence), so every failure to decode is a
     * signature that does not verify.
     */
    @Override
    public boolean verify(byte[] signature) {
      java.math.BigInteger[] rs;
      try {
        rs = StandardDSAEncoding.INSTANCE.decode(key.getParameters().getN(), signature);
      } catch (IOException | RuntimeException e) {
        return false;
      }
      ECDSASigner signer = new ECDSASigner();
      signer.init(false, key);
      return signer.verifySignature(digest.digest(), rs[0], rs[1]);
    }
  }
}
