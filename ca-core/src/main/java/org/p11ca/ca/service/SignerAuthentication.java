package org.p11ca.ca.service;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.audit.AuditEvent;
import org.p11ca.ca.audit.AuditLog;
import org.p11ca.ca.audit.Outcome;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.CmcSignature;
import org.p11ca.ca.cmc.SignatureCheck;
import org.p11ca.ca.cmc.SignerIdentifier;
import org.p11ca.ca.crypto.KeyVerifiers;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.proof.SignerCertificateCheck;
import org.p11ca.ca.proof.Verdict;
import org.p11ca.ca.repository.AgentRole;
import org.p11ca.ca.repository.AgentStore;
import org.p11ca.ca.repository.CertificateId;
import org.p11ca.ca.repository.CertificateStore;

/**
 * Identity proof by an existing certificate (second seed page, first bullet): the CMS signature over PKIData must
 * verify with the signer certificate, that certificate must be this CA's and in good standing, and a TLS client
 * certificate, when the user presented one, must be that very certificate. Audits each step as Dogtag names it.
 */
final class SignerAuthentication {

  static final String USER_SIGNED_AUTH = "CMCUserSignedAuth";
  static final String AGENT_AUTH = "CMCAuth";
  static final String TLS_AGENT_AUTH = "TLSClientCertAuth";
  static final String REQUEST_TYPE = "enrollment";
  /** A few MB at most: an RSA key object, or an EC one with Bouncy Castle's tables, is a few KB. */
  static final int SIGNER_KEYS_KEPT = 256;

  private final X509CertificateHolder caCertificate;
  private final SignerCertificateCheck certificateCheck;
  private final CertificateStore certificates;
  private final AgentStore agents;
  private final AuditLog audit;
  /** Signers sign again and again (agents, RAs, users renewing): their keys' verifiers are kept. */
  private final KeyVerifiers signerKeys = new KeyVerifiers(SIGNER_KEYS_KEPT);

  SignerAuthentication(X509CertificateHolder caCertificate, SignerCertificateCheck certificateCheck,
      CertificateStore certificates, AgentStore agents, AuditLog audit) {
    this.caCertificate = Objects.requireNonNull(caCertificate);
    this.certificateCheck = Objects.requireNonNull(certificateCheck);
    this.certificates = Objects.requireNonNull(certificates);
    this.agents = Objects.requireNonNull(agents);
    this.audit = Objects.requireNonNull(audit);
  }

  /**
   * @param bindTlsCertificate whether a TLS client certificate must be the signer's (user-signed requests)
   * @throws CaException with the fail reason when the signer is not authenticated (already audited)
   */
  Signer authenticate(CmcRequest request, Caller caller, boolean agentEndpoint, boolean bindTlsCertificate) {
    return authenticate(request, caller, agentEndpoint, bindTlsCertificate, java.time.Duration.ZERO);
  }

  /** @param expiredGrace how long an expired signer is still accepted (a renewal profile's graceAfter) */
  Signer authenticate(CmcRequest request, Caller caller, boolean agentEndpoint, boolean bindTlsCertificate,
      java.time.Duration expiredGrace) {
    String authManager = agentEndpoint ? AGENT_AUTH : USER_SIGNED_AUTH;
    CmcSignature signature = request.signature().orElseThrow(() -> refuse("--", authManager,
        FailInfo.BAD_REQUEST, "the request is not signed; this endpoint needs a CMC request signed with a"
            + " certificate from this CA"));
    if (!(signature.signer() instanceof SignerIdentifier.IssuerAndSerial named)) {
      throw refuse("--", authManager, FailInfo.BAD_REQUEST, "the request is signed by subject key identifier"
          + " (self-signed); this endpoint needs a signer certificate named by issuer and serial number");
    }
    Optional<X509CertificateHolder> found = signature.signerCertificate()
        .or(() -> storedCertificate(named));
    if (found.isEmpty()) {
      throw refuse("--", authManager, FailInfo.BAD_IDENTITY,
          "the signer certificate (issuer " + DistinguishedNames.rfc4514(named.issuer()) + ", serial 0x"
              + named.serial().toString(16) + ") was neither sent with the request nor issued by this CA");
    }
    X509CertificateHolder cert = found.get();
    String subjectId = DistinguishedNames.rfc4514(cert.getSubject());
    Verdict verdict = signatureVerdict(signature, cert);
    if (verdict.passed()) {
      verdict = certificateCheck.check(cert, expiredGrace);
    }
    auditSignatureCheck(agentEndpoint, subjectId, verdict);
    if (verdict instanceof Verdict.Refused refused) {
      throw refuse(subjectId, authManager, refused.failInfo(), refused.reason());
    }
    if (bindTlsCertificate && caller.tlsClientCertificate().isPresent()
        && !sameCertificate(caller.tlsClientCertificate().get(), cert)) {
      X509Certificate tls = caller.tlsClientCertificate().get();
      throw refuse(subjectId, authManager, FailInfo.BAD_IDENTITY, "the TLS client certificate ("
          + tls.getSubjectX500Principal().getName() + ", serial 0x" + tls.getSerialNumber().toString(16)
          + ") is not the CMC signer's certificate");
    }
    audit.append(new AuditEvent.AuthSuccess(subjectId, authManager));
    return new Signer(cert, isAgent(cert));
  }

  /** A Simple PKI Request carries no signature: the TLS client certificate must be an agent's. */
  Signer authenticateTlsAgent(Caller caller) {
    X509Certificate tls = caller.tlsClientCertificate().orElseThrow(() -> refuse("--", TLS_AGENT_AUTH,
        FailInfo.BAD_IDENTITY, "a Simple PKI Request needs an agent's TLS client certificate"));
    X509CertificateHolder cert;
    try {
      cert = new X509CertificateHolder(tls.getEncoded());
    } catch (CertificateEncodingException | IOException e) {
      throw refuse("--", TLS_AGENT_AUTH, FailInfo.BAD_IDENTITY, "the TLS client certificate cannot be read");
    }
    String subjectId = DistinguishedNames.rfc4514(cert.getSubject());
    if (certificateCheck.check(cert) instanceof Verdict.Refused refused) {
      throw refuse(subjectId, TLS_AGENT_AUTH, refused.failInfo(), refused.reason());
    }
    audit.append(new AuditEvent.AuthSuccess(subjectId, TLS_AGENT_AUTH));
    return new Signer(cert, isAgent(cert));
  }

  private Optional<X509CertificateHolder> storedCertificate(SignerIdentifier.IssuerAndSerial named) {
    if (!named.issuer().equals(caCertificate.getSubject())) {
      return Optional.empty();
    }
    return certificates.find(named.serial()).flatMap(r -> r.certificate()).map(der -> {
      try {
        return new X509CertificateHolder(der);
      } catch (IOException e) {
        throw new CaException(FailInfo.INTERNAL_CA_ERROR, "stored certificate 0x" + named.serial().toString(16)
            + " cannot be parsed", e);
      }
    });
  }

  private Verdict signatureVerdict(CmcSignature signature, X509CertificateHolder cert) {
    org.bouncycastle.asn1.x509.SubjectPublicKeyInfo key = cert.getSubjectPublicKeyInfo();
    org.bouncycastle.operator.ContentVerifierProvider verifiers;
    try {
      verifiers = signerKeys.of(key);
    } catch (org.bouncycastle.operator.OperatorCreationException | RuntimeException e) {
      return Verdict.refuse(FailInfo.BAD_ALG, "the signer certificate's public key ("
          + key.getAlgorithm().getAlgorithm() + ") cannot be read");
    }
    SignatureCheck check = signature.verify(verifiers, keyAlgorithm(key));
    if (check instanceof SignatureCheck.Invalid invalid) {
      return Verdict.refuse(FailInfo.BAD_MESSAGE_CHECK, "the CMC signature over PKIData does not verify: "
          + invalid.reason());
    }
    return Verdict.pass();
  }

  /** RSA, EC, ...: how the reason names the key, as the JCA names its algorithm. */
  private static String keyAlgorithm(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo key) {
    org.bouncycastle.asn1.ASN1ObjectIdentifier oid = key.getAlgorithm().getAlgorithm();
    if (org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
      return "RSA";
    }
    return org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey.equals(oid) ? "EC" : oid.getId();
  }

  private void auditSignatureCheck(boolean agentEndpoint, String subjectId, Verdict verdict) {
    String signerInfo = subjectId;
    Optional<String> reason = verdict instanceof Verdict.Refused r ? Optional.of(r.reason()) : Optional.empty();
    if (agentEndpoint) {
      audit.append(new AuditEvent.CmcSignedRequestSigVerify(subjectId,
          verdict.passed() ? Outcome.SUCCESS : Outcome.FAILURE, REQUEST_TYPE, subjectId, signerInfo, reason));
    } else if (verdict.passed()) {
      audit.append(new AuditEvent.CmcUserSignedRequestSigVerifySuccess(subjectId, REQUEST_TYPE, subjectId,
          signerInfo));
    } else {
      audit.append(new AuditEvent.CmcUserSignedRequestSigVerifyFailure(subjectId, REQUEST_TYPE, subjectId,
          signerInfo, reason.get()));
    }
  }

  private CaException refuse(String subjectId, String authManager, FailInfo failInfo, String reason) {
    audit.append(new AuditEvent.AuthFailure(subjectId, authManager, reason));
    return new CaException(failInfo, reason);
  }

  private boolean isAgent(X509CertificateHolder cert) {
    CertificateId id = new CertificateId(DistinguishedNames.rfc4514(cert.getIssuer()), cert.getSerialNumber());
    return agents.hasRole(id, AgentRole.CA_AGENT);
  }

  private static boolean sameCertificate(X509Certificate tls, X509CertificateHolder signer) {
    try {
      return Arrays.equals(tls.getEncoded(), signer.getEncoded());
    } catch (CertificateEncodingException | IOException e) {
      return false;
    }
  }
}
