package org.p11ca.bench.ocsp;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.CertificateReservation;
import org.p11ca.ca.repository.JdbcCertificateStore;
import org.p11ca.ca.repository.RevocationReason;
import org.p11ca.ca.service.CaSigner;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;

/**
 * What `bench ocsp` answers from: a CA certificate signed on the token, a SQLite repository with a fixed set of
 * certificate rows (every fourth revoked for keyCompromise), and one pre-built OCSP request per row, each with a
 * 16-octet nonce as openssl sends by default. The rows hold placeholder DER: the responder reads only statuses.
 */
final class OcspFixture implements AutoCloseable {

  static final int CERTIFICATES = 64;

  final CaSigner signer;
  final CaDatabase database;
  final JdbcCertificateStore certificates;
  final List<byte[]> requests = new ArrayList<>();
  private final List<Boolean> revoked = new ArrayList<>();
  /** Whose signature every response must carry: the CA's, or a delegated responder's once certified. */
  private X509CertificateHolder responseSigner;

  OcspFixture(Token token, KeyHandle caKey, SignatureAlgorithm algorithm, Path dataDir) {
    X509CertificateHolder ca = selfSigned(token, caKey, algorithm);
    this.signer = new CaSigner(token, caKey, algorithm, List.of(ca));
    this.responseSigner = ca;
    this.database = CaDatabase.openSqlite(dataDir);
    this.certificates = new JdbcCertificateStore(database, Clock.systemUTC());
    SecureRandom random = new SecureRandom();
    Instant now = Instant.now();
    try {
      for (int i = 0; i < CERTIFICATES; i++) {
        BigInteger serial = new BigInteger(127, random).setBit(126);
        certificates.reserve(new CertificateReservation(serial, Optional.empty(), "caFullCMCUserCert",
            "UID=bench" + i + ",O=p11ca Bench", new byte[] {0x30, 0x00}));
        certificates.markIssued(serial, new byte[] {0x30, 0x00}, now, now.plusSeconds(86_400));
        boolean revoke = i % 4 == 3;
        if (revoke) {
          certificates.revoke(serial, RevocationReason.KEY_COMPROMISE, Optional.empty(), now);
        }
        revoked.add(revoke);
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        requests.add(new OCSPReqBuilder().addRequest(new CertificateID(new BcDigestCalculatorProvider()
            .get(CertificateID.HASH_SHA1), ca, serial)).setRequestExtensions(new Extensions(new Extension(
            OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce).getEncoded())))
            .build().getEncoded());
      }
    } catch (IOException | OCSPException | org.bouncycastle.operator.OperatorCreationException e) {
      database.close();
      throw new IllegalStateException("cannot build the OCSP requests: " + e.getMessage(), e);
    }
  }

  /**
   * A delegated responder's certificate for {@code key}, as the shipped caOCSPCert profile makes it (keyUsage
   * digitalSignature, extendedKeyUsage OCSPSigning, id-pkix-ocsp-nocheck), signed by the CA key on the token; from
   * now on {@link #check} expects responses signed with it.
   */
  X509CertificateHolder certifyResponder(Token token, KeyHandle key) {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(signer.certificate().getSubject(), BigInteger.TWO,
        Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86_400)),
        new X500Name("CN=OCSP Responder,O=p11ca"), SubjectPublicKeyInfo.getInstance(token.publicKey(key).getEncoded()));
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
      b.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    responseSigner = b.build(signer.contentSigner());
    return responseSigner;
  }

  /** The check before timing: every answer successful, signed by the expected key, with the status on record. */
  void check(byte[] request, byte[] response) {
    int index = requests.indexOf(request);
    try {
      OCSPResp resp = new OCSPResp(response);
      if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
        throw new IllegalStateException("OCSP response status " + resp.getStatus() + ", not successful");
      }
      BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
      if (!basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responseSigner))) {
        throw new IllegalStateException("the OCSP response signature does not verify with the key of "
            + responseSigner.getSubject());
      }
      boolean isRevoked = basic.getResponses()[0].getCertStatus() instanceof RevokedStatus;
      boolean isGood = basic.getResponses()[0].getCertStatus() == null;
      if (revoked.get(index) ? !isRevoked : !isGood) {
        throw new IllegalStateException("request " + index + " answered with the wrong status");
      }
    } catch (IOException | OCSPException | org.bouncycastle.operator.OperatorCreationException
        | java.security.cert.CertificateException e) {
      throw new IllegalStateException("unreadable OCSP response: " + e.getMessage(), e);
    }
  }

  private static X509CertificateHolder selfSigned(Token token, KeyHandle key, SignatureAlgorithm algorithm) {
    X500Name name = new X500Name("CN=p11ca Bench OCSP CA,O=p11ca");
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, BigInteger.ONE,
        Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86_400)), name,
        SubjectPublicKeyInfo.getInstance(token.publicKey(key).getEncoded()));
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return b.build(new TokenContentSigner(token, key, algorithm));
  }

  @Override
  public void close() {
    database.close();
  }
}
