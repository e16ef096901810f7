package org.p11ca.ca.issuance;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.p11ca.ca.crypto.SignatureVerifiers;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;

/**
 * Builds and signs certificates that policy already approved, with the CA key on the token: prepare (pure) ->
 * check -> reserve the serial with the intent -> sign on the token -> verify the signature with the CA public key.
 * A certificate whose signature does not verify is never returned. Thread safe.
 */
public final class CertificateIssuer {

  /** With 127-bit serials a second collision means a broken random source, not bad luck. */
  static final int MAX_SERIAL_DRAWS = 5;


  private final Token token;
  private final KeyHandle caKey;
  private final SignatureAlgorithm algorithm;
  private final IssuingCa ca;
  private final SerialReservation reservation;
  private final SerialNumbers serialNumbers;
  private final Clock clock;
  private final ContentVerifierProvider caVerifier;
  private final AlgorithmIdentifier algorithmIdentifier;

  public CertificateIssuer(Token token, KeyHandle caKey, SignatureAlgorithm alg, X509CertificateHolder caCert,
      SerialReservation serials, Clock clock) {
    this(token, caKey, alg, caCert, serials, new SerialNumbers(new SecureRandom()), clock);
  }

  /**
   * @throws IllegalArgumentException when the CA certificate is not a CA's, or its public key is not the token
   *     key's, or the algorithm does not fit the key: configuration errors found at start-up, not per request
   */
  public CertificateIssuer(Token token, KeyHandle caKey, SignatureAlgorithm alg, X509CertificateHolder caCert,
      SerialReservation serials, SerialNumbers serialNumbers, Clock clock) {
    this.token = Objects.requireNonNull(token);
    this.caKey = Objects.requireNonNull(caKey);
    this.algorithm = Objects.requireNonNull(alg);
    this.reservation = Objects.requireNonNull(serials);
    this.serialNumbers = Objects.requireNonNull(serialNumbers);
    this.clock = Objects.requireNonNull(clock);
    if (caKey.keyType() != alg.keyType()) {
      throw new IllegalArgumentException("cannot sign with " + alg + " using " + caKey);
    }
    this.ca = IssuingCa.of(caCert);
    SubjectPublicKeyInfo tokenKey = SubjectPublicKeyInfo.getInstance(token.publicKey(caKey).getEncoded());
    if (!tokenKey.equals(ca.publicKey())) {
      throw new IllegalArgumentException("the CA certificate " + caCert.getSubject()
          + " does not certify the public key of " + caKey);
    }
    this.algorithmIdentifier = new TokenContentSigner(token, caKey, alg).getAlgorithmIdentifier();
    try {
      this.caVerifier = SignatureVerifiers.of(ca.publicKey());
    } catch (OperatorCreationException e) {
      throw new IllegalArgumentException("cannot verify signatures with the CA public key", e);
    }
  }

  /**
   * @throws CaException BAD_REQUEST or BAD_ALG when the request breaks the profile; INTERNAL_CA_ERROR when the
   *     CA cannot issue (expired CA certificate, no free serial, token failure, signature that does not verify)
   */
  public IssuedCertificate issue(ApprovedRequest request) {
    return issue(request, reservation);
  }

  /**
   * {@link #issue(ApprovedRequest)} recording through {@code recording} instead of the issuer's own reservation:
   * for a caller that stores more with the serial in the same transactions (the request row, its status).
   */
  public IssuedCertificate issue(ApprovedRequest request, SerialReservation recording) {
    return issue(check(request), recording);
  }

  /**
   * Signs the certificate {@link #check} prepared, recording through {@code recording}: what is signed is exactly
   * what was checked, and the profile's work (the key checks among it) is not done twice.
   *
   * @throws IllegalArgumentException when {@code checked} came from another issuer
   */
  public IssuedCertificate issue(Checked checked, SerialReservation recording) {
    Objects.requireNonNull(recording);
    if (checked.issuer != this) {
      throw new IllegalArgumentException("the request was checked by another CertificateIssuer");
    }
    TokenContentSigner signer = new TokenContentSigner(token, caKey, algorithm);
    Reserved reserved = reserveSerial(checked.draft, signer, recording);
    byte[] tbsDer = reserved.intent().tbsCertificate();
    byte[] signature = sign(tbsDer, signer);
    requireValidSignature(reserved.serial(), tbsDer, signature);
    X509CertificateHolder cert = certificate(reserved.tbs(), signer.getAlgorithmIdentifier(), signature);
    recording.issued(reserved.serial(), reserved.intent(), cert);
    return new IssuedCertificate(cert, reserved.serial());
  }

  /**
   * Checks {@code request} against the profile and the CA exactly as {@link #issue} will (key constraints, subject
   * policy, extensions, CA validity), without reserving or signing anything; the certificate's validity starts now.
   *
   * @throws CaException as {@link #issue} does for a request that breaks the profile
   */
  public Checked check(ApprovedRequest request) {
    return new Checked(this, request, CertificateDraft.prepare(request, ca, clock.instant()));
  }

  /** A request that passed {@link #check}: the certificate to sign but for its serial, for this issuer only. */
  public static final class Checked {
    private final CertificateIssuer issuer;
    private final ApprovedRequest request;
    private final CertificateDraft draft;

    private Checked(CertificateIssuer issuer, ApprovedRequest request, CertificateDraft draft) {
      this.issuer = issuer;
      this.request = request;
      this.draft = draft;
    }

    public ApprovedRequest request() {
      return request;
    }
  }

  private record Reserved(BigInteger serial, TBSCertificate tbs, CertificateIntent intent) {
  }

  /** Draws serials until one is free, recording under it the exact TBSCertificate about to be signed. */
  private Reserved reserveSerial(CertificateDraft draft, TokenContentSigner signer, SerialReservation recording) {
    for (int draw = 0; draw < MAX_SERIAL_DRAWS; draw++) {
      BigInteger serial = serialNumbers.next();
      TBSCertificate tbs = draft.tbsCertificate(ca.subject(), serial, signer.getAlgorithmIdentifier());
      CertificateIntent intent = draft.intent(tbs);
      if (recording.reserve(serial, intent)) {
        return new Reserved(serial, tbs, intent);
      }
    }
    throw new CaException(FailInfo.INTERNAL_CA_ERROR,
        "no unused serial number after " + MAX_SERIAL_DRAWS + " random draws");
  }

  /**
   * Signs exactly the reserved TBSCertificate ({@code tbsDer}, its DER as recorded with the reservation), so the
   * stored intent and the issued certificate cannot differ.
   */
  private static byte[] sign(byte[] tbsDer, TokenContentSigner signer) {
    try {
      signer.getOutputStream().write(tbsDer);
      return signer.getSignature();
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot pass the certificate to the token", e);
    } catch (HsmException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the token could not sign the certificate", e);
    }
  }

  private static X509CertificateHolder certificate(TBSCertificate tbs, AlgorithmIdentifier algorithm,
      byte[] signature) {
    return new X509CertificateHolder(Certificate.getInstance(
        new DERSequence(new ASN1Encodable[] {tbs, algorithm, new DERBitString(signature)})));
  }

  /**
   * A faulty token, a swapped key or an RSA fault attack can yield a bad signature (and an RSA-CRT fault can leak
   * the key); such a certificate must never leave the CA. Checked over the TBS bytes that were signed, not over a
   * fresh encoding of the certificate: the same bytes, without encoding them again.
   */
  private void requireValidSignature(BigInteger serial, byte[] tbsDer, byte[] signature) {
    boolean valid;
    try {
      ContentVerifier verifier = caVerifier.get(algorithmIdentifier);
      try (OutputStream input = verifier.getOutputStream()) {
        input.write(tbsDer);
      }
      valid = verifier.verify(signature);
    } catch (OperatorCreationException | IOException e) {
      valid = false;
    }
    if (!valid) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the signature the token made on certificate "
          + serial.toString(16) + " does not verify with the CA public key");
    }
  }
}
