package org.p11ca.ca.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
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
 * times slower than Bouncy Castle. RSASSA-PSS signatures go to Bouncy Castle too (why: {@code RsaVerifiers}).
 *
 * <p>The builders are shared: each {@code build} returns a new provider, and the builders are only read.
 */
public final class SignatureVerifiers {

  private static final Provider BC = new BouncyCastleProvider();
  private static final Provider JDK_RSA = requireProvider("SunRsaSign");
  private static final JcaContentVerifierProviderBuilder ON_BC =
      new JcaContentVerifierProviderBuilder().setProvider(BC);
  private static final JcaContentVerifierProviderBuilder ON_JDK_RSA =
      new JcaContentVerifierProviderBuilder().setProvider(JDK_RSA);

  private SignatureVerifiers() {
  }

  /** Verifiers for signatures made with the private half of {@code key}. */
  public static ContentVerifierProvider of(SubjectPublicKeyInfo key) throws OperatorCreationException {
    return isRsa(key) ? new RsaVerifiers(ON_JDK_RSA.build(key), () -> ON_BC.build(key)) : ON_BC.build(key);
  }

  /** Verifiers for signatures made with the private half of {@code key}. */
  public static ContentVerifierProvider of(PublicKey key) throws OperatorCreationException {
    return isRsa(key) ? new RsaVerifiers(ON_JDK_RSA.build(key), () -> ON_BC.build(key)) : ON_BC.build(key);
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
   */
  private static final class RsaVerifiers implements ContentVerifierProvider {
    private final ContentVerifierProvider jdk;
    private final PssFallback bouncyCastle;

    RsaVerifiers(ContentVerifierProvider jdk, PssFallback bouncyCastle) {
      this.jdk = jdk;
      this.bouncyCastle = bouncyCastle;
    }

    @Override
    public boolean hasAssociatedCertificate() {
      return false;
    }

    @Override
    public X509CertificateHolder getAssociatedCertificate() {
      return null;
    }

    @Override
    public ContentVerifier get(AlgorithmIdentifier signatureAlgorithm) throws OperatorCreationException {
      return PKCSObjectIdentifiers.id_RSASSA_PSS.equals(signatureAlgorithm.getAlgorithm())
          ? bouncyCastle.build().get(signatureAlgorithm)
          : jdk.get(signatureAlgorithm);
    }
  }

  @FunctionalInterface
  private interface PssFallback {
    ContentVerifierProvider build() throws OperatorCreationException;
  }

  private static boolean isRsa(SubjectPublicKeyInfo key) {
    return PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm());
  }

  private static boolean isRsa(PublicKey key) {
    return key instanceof java.security.interfaces.RSAPublicKey && "RSA".equals(key.getAlgorithm());
  }

  private static Provider requireProvider(String name) {
    Provider provider = Security.getProvider(name);
    if (provider == null) {
      throw new ExceptionInInitializerError("the JDK's " + name + " provider is not installed");
    }
    return provider;
  }
}
