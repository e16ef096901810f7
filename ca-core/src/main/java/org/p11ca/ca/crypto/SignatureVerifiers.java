package org.p11ca.ca.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jcajce.io.OutputStreamFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Where the CA checks signatures made by others (CMC signers, POPs, its own output): RSA on the JDK's SunRsaSign,
 * everything else on Bouncy Castle.
 *
 * <p>Why two providers: Bouncy Castle validates every RSA public key it builds with Miller-Rabin rounds on the
 * modulus, about 5 ms of CPU for each RSA-2048 key it has not seen lately, and nearly every subscriber brings a key
 * it has not seen (the whole of an issuance costs under 2 ms besides the token's signatures). SunRsaSign builds
 * the key in microseconds and verifies as fast. The cheap part of that validation, small factors, is the profile's
 * key check ({@code SubjectKeyCheck}). For EC it is the other way round: SunEC in Java 17 verifies P-256 about ten
 * times slower than Bouncy Castle, whose lightweight ECDSA takes ECDSA with SHA-2 ({@link EcdsaVerifiers}: one key
 * object per provider, so checking many signatures of one key gets faster). RSASSA-PSS signatures and other EC
 * signature algorithms go to Bouncy Castle's JCA verifiers (why PSS: {@code RsaVerifiers}).
 *
 * <p>The builders are shared: each {@code build} returns a new provider, and the builders are only read.
 */
public final class SignatureVerifiers {

  private static final Provider BC = new BouncyCastleProvider();
  private static final Provider JDK_RSA = requireProvider("SunRsaSign");
  private static final JcaContentVerifierProviderBuilder ON_BC =
      new JcaContentVerifierProviderBuilder().setProvider(BC);

  private SignatureVerifiers() {
  }

  /**
   * Verifiers for signatures made with the private half of {@code key}. A signature the provider cannot even
   * process (the wrong length for the modulus, an ECDSA value that is not a DER pair) does not verify: {@code
   * false}, as for any other bad signature, not an exception its callers would have to know about.
   */
  public static ContentVerifierProvider of(SubjectPublicKeyInfo key) throws OperatorCreationException {
    try {
      if (isRsa(key)) {
        return new RsaVerifiers(publicKey(key), () -> onBouncyCastle(key));
      }
      if (isEc(key)) {
        return EcdsaVerifiers.of(key, () -> onBouncyCastle(key));
      }
    } catch (IOException e) {
      throw new OperatorCreationException(e.getMessage(), e);
    }
    return onBouncyCastle(key);
  }

  /** Verifiers for signatures made with the private half of {@code key}; see {@link #of(SubjectPublicKeyInfo)}. */
  public static ContentVerifierProvider of(PublicKey key) throws OperatorCreationException {
    if (isRsa(key)) {
      return new RsaVerifiers(key, () -> onBouncyCastle(key));
    }
    return key instanceof java.security.interfaces.ECPublicKey
        ? of(SubjectPublicKeyInfo.getInstance(key.getEncoded())) : onBouncyCastle(key);
  }

  private static ContentVerifierProvider onBouncyCastle(SubjectPublicKeyInfo key) throws OperatorCreationException {
    return new UnreadableIsInvalid(ON_BC.build(key));
  }

  private static ContentVerifierProvider onBouncyCastle(PublicKey key) throws OperatorCreationException {
    return new UnreadableIsInvalid(ON_BC.build(key));
  }

  /**
   * The JCA form of {@code key}, from the provider that will verify with it.
   *
   * @throws IOException when the key is not a well-formed key of an algorithm either provider knows
   */
  public static PublicKey publicKey(SubjectPublicKeyInfo key) throws IOException {
    try {
      byte[] encoded = key.getEncoded();
      return isRsa(key)
          ? KeyFactory.getInstance("RSA", JDK_RSA).generatePublic(new X509EncodedKeySpec(encoded))
          : KeyFactory.getInstance(key.getAlgorithm().getAlgorithm().getId(), BC)
              .generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("public key of algorithm " + key.getAlgorithm().getAlgorithm().getId()
          + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * PKCS#1 v1.5 on the JDK; RSASSA-PSS on Bouncy Castle, whose operator layer asks providers for PSS by names
   * SunRsaSign does not have. PSS is rare in CMC (Dogtag's tools sign PKCS#1 v1.5), so paying Bouncy Castle's key
   * validation for it is acceptable.
   *
   * <p>Not Bouncy Castle's JCA verifier builder on SunRsaSign: for every verifier it also looks for a raw
   * ("NONEwithRSA") signature, which SunRsaSign does not have, and pays for two exceptions each time (about 2 % of
   * the server's CPU under load, for a verifier nothing here uses).
   */
  private static final class RsaVerifiers extends ForKey {
    private final PublicKey key;
    private final Fallback bouncyCastle;

    RsaVerifiers(PublicKey key, Fallback bouncyCastle) {
      this.key = key;
      this.bouncyCastle = bouncyCastle;
    }

    @Override
    public ContentVerifier get(AlgorithmIdentifier signatureAlgorithm) throws OperatorCreationException {
      if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(signatureAlgorithm.getAlgorithm())) {
        return bouncyCastle.build().get(signatureAlgorithm);
      }
      // SunRsaSign knows its PKCS#1 v1.5 signatures by their OIDs too, so no name mapping is needed here.
      String oid = signatureAlgorithm.getAlgorithm().getId();
      try {
        Signature signature = Signature.getInstance(oid, JDK_RSA);
        signature.initVerify(key);
        return new JdkSignatureVerifier(signatureAlgorithm, signature);
      } catch (GeneralSecurityException e) {
        throw new OperatorCreationException("cannot verify signatures of algorithm " + oid + " with an RSA key: "
            + e.getMessage(), e);
      }
    }
  }

  /** One verification on a JCA signature, fed through its output stream. */
  private static final class JdkSignatureVerifier extends StreamVerifier {
    private final Signature signature;

    JdkSignatureVerifier(AlgorithmIdentifier algorithm, Signature signature) {
      super(algorithm, OutputStreamFactory.createStream(signature));
      this.signature = signature;
    }

    /** A signature SunRsaSign cannot process (the wrong length for the modulus) is not a valid one. */
    @Override
    public boolean verify(byte[] expected) {
      try {
        return signature.verify(expected);
      } catch (SignatureException e) {
        return false;
      }
    }
  }

  /**
   * Bouncy Castle's verifiers report a signature the provider cannot process as a RuntimeOperatorException over a
   * SignatureException, which BC's own CRMF and PKCS#10 checks let through unchanged.
   */
  private static final class UnreadableIsInvalid implements ContentVerifierProvider {
    private final ContentVerifierProvider verifiers;

    UnreadableIsInvalid(ContentVerifierProvider verifiers) {
      this.verifiers = verifiers;
    }

    @Override
    public boolean hasAssociatedCertificate() {
      return verifiers.hasAssociatedCertificate();
    }

    @Override
    public X509CertificateHolder getAssociatedCertificate() {
      return verifiers.getAssociatedCertificate();
    }

    @Override
    public ContentVerifier get(AlgorithmIdentifier signatureAlgorithm) throws OperatorCreationException {
      ContentVerifier verifier = verifiers.get(signatureAlgorithm);
      return new ContentVerifier() {
        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
          return verifier.getAlgorithmIdentifier();
        }

        @Override
        public OutputStream getOutputStream() {
          return verifier.getOutputStream();
        }

        @Override
        public boolean verify(byte[] signature) {
          try {
            return verifier.verify(signature);
          } catch (RuntimeOperatorException e) {
            if (e.getCause() instanceof SignatureException) {
              return false;
            }
            throw e;
          }
        }
      };
    }
  }

  /** Verifiers for a bare public key: no certificate comes with them. */
  abstract static class ForKey implements ContentVerifierProvider {
    @Override
    public final boolean hasAssociatedCertificate() {
      return false;
    }

    @Override
    public final X509CertificateHolder getAssociatedCertificate() {
      return null;
    }
  }

  /** Bouncy Castle's JCA verifiers for a key, built only when an algorithm the faster path lacks is asked for. */
  @FunctionalInterface
  interface Fallback {
    ContentVerifierProvider build() throws OperatorCreationException;
  }

  private static boolean isRsa(SubjectPublicKeyInfo key) {
    return PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm());
  }

  private static boolean isEc(SubjectPublicKeyInfo key) {
    return org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm().getAlgorithm());
  }

  private static boolean isRsa(PublicKey key) {
    return key instanceof java.security.interfaces.RSAPublicKey && "RSA".equals(key.getAlgorithm());
  }

  static Provider requireProvider(String name) {
    Provider provider = Security.getProvider(name);
    if (provider == null) {
      throw new ExceptionInInitializerError("the JDK's " + name + " provider is not installed");
    }
    return provider;
  }
}
