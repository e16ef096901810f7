package org.p11ca.ca.ocsp;

import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.p11ca.ca.crypto.SignatureVerifiers;
import org.p11ca.ca.service.CaSigner;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;

/**
 * The key that signs this CA's OCSP responses and what a relying party needs to trust it: the CA key itself (RFC
 * 6960 4.2.2.2, the CA is always authorized, nothing attached), or a delegated responder's token key with the
 * id-kp-OCSPSigning certificate this CA issued for it, attached to every response so a client can check it against
 * the CA alone. Either way the responder is named by the hash of its key (4.2.2.3).
 */
public final class ResponderKey {

  private final Token token;
  private final KeyHandle key;
  private final SignatureAlgorithm algorithm;
  private final RespID id;
  private final ContentVerifierProvider verifier;
  private final Optional<X509CertificateHolder> certificate;

  private ResponderKey(Token token, KeyHandle key, SignatureAlgorithm algorithm, SubjectPublicKeyInfo publicKey,
      Optional<X509CertificateHolder> certificate) {
    this.token = token;
    this.key = key;
    this.algorithm = algorithm;
    this.certificate = certificate;
    try {
      this.id = new RespID(publicKey, new BcDigestCalculatorProvider().get(RespID.HASH_SHA1));
      this.verifier = SignatureVerifiers.of(publicKey);
    } catch (OCSPException | OperatorCreationException e) {
      throw new IllegalStateException("cannot read the OCSP responder's public key: " + e.getMessage(), e);
    }
  }

  /** The CA signs its own responses. */
  public static ResponderKey ca(CaSigner signer) {
    return new ResponderKey(signer.token(), signer.key(), signer.algorithm(),
        signer.certificate().getSubjectPublicKeyInfo(), Optional.empty());
  }

  /**
   * A delegated responder: {@code key} on {@code token}, certified by {@code certificate}.
   *
   * @throws IllegalArgumentException naming what makes the certificate unfit ({@link #unfitness})
   */
  public static ResponderKey delegated(CaSigner ca, Token token, KeyHandle key, X509CertificateHolder certificate) {
    SubjectPublicKeyInfo tokenKey = SubjectPublicKeyInfo.getInstance(token.publicKey(key).getEncoded());
    unfitness(ca, certificate, tokenKey).ifPresent(reason -> {
      throw new IllegalArgumentException(reason);
    });
    return new ResponderKey(token, key, SignatureAlgorithm.defaultFor(key), tokenKey, Optional.of(certificate));
  }

  /**
   * Why {@code certificate} cannot certify {@code key} as this CA's delegated OCSP responder, if it cannot: RFC
   * 6960 4.2.2.2 asks that the CA issued it directly and that it carries id-kp-OCSPSigning; a relying party would
   * reject responses signed under anything else. Expiry is not judged here: a certificate expires while in use.
   */
  public static Optional<String> unfitness(CaSigner ca, X509CertificateHolder certificate,
      SubjectPublicKeyInfo key) {
    X509CertificateHolder caCert = ca.certificate();
    if (!certificate.getSubjectPublicKeyInfo().equals(key)) {
      return Optional.of("the OCSP responder certificate " + serial(certificate) + " is not for the token's"
          + " responder key");
    }
    boolean signedByCa;
    try {
      signedByCa = certificate.getIssuer().equals(caCert.getSubject())
          && certificate.isSignatureValid(SignatureVerifiers.of(caCert.getSubjectPublicKeyInfo()));
    } catch (CertException | OperatorCreationException e) {
      signedByCa = false;
    }
    if (!signedByCa) {
      return Optional.of("the OCSP responder certificate " + serial(certificate) + " was not issued by this CA"
          + " (RFC 6960 4.2.2.2: a delegated responder is certified by the CA directly)");
    }
    ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(certificate.getExtensions());
    if (eku == null || !eku.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)) {
      return Optional.of("the OCSP responder certificate " + serial(certificate) + " lacks extendedKeyUsage"
          + " id-kp-OCSPSigning (RFC 6960 4.2.2.2)");
    }
    KeyUsage usage = KeyUsage.fromExtensions(certificate.getExtensions());
    if (usage != null && !usage.hasUsages(KeyUsage.digitalSignature)) {
      return Optional.of("the OCSP responder certificate " + serial(certificate) + " does not allow"
          + " digitalSignature (RFC 5280 4.2.1.3)");
    }
    return Optional.empty();
  }

  private static String serial(X509CertificateHolder certificate) {
    return certificate.getSerialNumber().toString(16);
  }

  RespID id() {
    return id;
  }

  ContentVerifierProvider verifier() {
    return verifier;
  }

  /** A fresh ContentSigner (they are single use) signing on the token. */
  ContentSigner contentSigner() {
    return new TokenContentSigner(token, key, algorithm);
  }

  /** What goes into the response's certs field: the delegate's certificate, or nothing for the CA. */
  X509CertificateHolder[] attached() {
    return certificate.map(c -> new X509CertificateHolder[] {c}).orElse(null);
  }

  /** The delegate's certificate; empty for the CA. */
  public Optional<X509CertificateHolder> certificate() {
    return certificate;
  }

  /** Whether a response signed now is one a relying party accepts: always for the CA, within validity for a delegate. */
  boolean validAt(Instant instant) {
    return certificate.map(c -> !instant.isBefore(c.getNotBefore().toInstant())
        && !instant.isAfter(c.getNotAfter().toInstant())).orElse(true);
  }

  /** The latest nextUpdate this key may vouch for: a delegate's response must not outlive its certificate. */
  Optional<Instant> notAfter() {
    return certificate.map(c -> c.getNotAfter().toInstant());
  }

  @Override
  public String toString() {
    return certificate.map(c -> "the delegated OCSP responder " + serial(c)).orElse("the CA key");
  }
}
