package org.p11ca.client;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcSignature;
import org.p11ca.ca.cmc.SignatureCheck;
import org.p11ca.ca.cmc.SignerIdentifier;

/**
 * Whether a Full PKI Response was signed by the trusted CA: by the CA certificate itself, or by a certificate the
 * CA issued directly (a CMC response signing certificate) that is valid now. Longer chains are not followed.
 */
final class ResponseSignatureCheck {
  private ResponseSignatureCheck() {
  }

  /** The signer's subject when the signature holds; otherwise a CmcToolException with the reason. */
  static String verify(CmcResponse response, X509Certificate ca) {
    CmcSignature signature = response.signature().orElseThrow(() -> new CmcToolException(
        "the response is a certs-only Simple PKI Response: it carries no signature to check against --ca"));
    X509CertificateHolder caHolder = Certificates.holder(ca);
    X509CertificateHolder signer = names(signature.signer(), caHolder) ? caHolder
        : signature.signerCertificate().orElseThrow(() -> new CmcToolException("the response is signed by "
            + describe(signature.signer()) + ", which is neither the CA of --ca nor a certificate the response"
            + " carries"));
    if (signer != caHolder) {
      issuedByCa(signer, caHolder, ca.getPublicKey());
    }
    SignatureCheck check = signature.verify(Certificates.x509(signer).getPublicKey());
    if (check instanceof SignatureCheck.Invalid invalid) {
      throw new CmcToolException("the response signature does not verify: " + invalid.reason());
    }
    return SubjectName.format(signer.getSubject());
  }

  private static boolean names(SignerIdentifier id, X509CertificateHolder cert) {
    return id instanceof SignerIdentifier.IssuerAndSerial ias && ias.issuer().equals(cert.getIssuer())
        && ias.serial().equals(cert.getSerialNumber());
  }

  private static void issuedByCa(X509CertificateHolder signer, X509CertificateHolder ca, PublicKey caKey) {
    String name = "'" + SubjectName.format(signer.getSubject()) + "'";
    if (!signer.getIssuer().equals(ca.getSubject())) {
      throw new CmcToolException("the response signer " + name + " was not issued by the CA of --ca '"
          + SubjectName.format(ca.getSubject()) + "'");
    }
    try {
      if (!signer.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(new BouncyCastleProvider())
          .build(caKey))) {
        throw new CmcToolException("the response signer certificate " + name + " is not signed by the CA of --ca");
      }
    } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertException e) {
      throw new CmcToolException("cannot check the response signer certificate " + name + ": " + e.getMessage(), e);
    }
    if (!signer.isValidOn(new Date())) {
      throw new CmcToolException("the response signer certificate " + name + " is not valid now");
    }
  }

  /** Whether {@code cert} names {@code ca} as its issuer and carries a signature by its key. */
  static boolean signedBy(X509CertificateHolder cert, X509Certificate ca) {
    if (!cert.getIssuer().equals(Certificates.holder(ca).getSubject())) {
      return false;
    }
    try {
      return cert.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(new BouncyCastleProvider())
          .build(ca.getPublicKey()));
    } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertException e) {
      return false;
    }
  }

  private static String describe(SignerIdentifier id) {
    if (id instanceof SignerIdentifier.IssuerAndSerial ias) {
      return "issuer '" + SubjectName.format(ias.issuer()) + "' serial " + ResponsePrinter.hex(ias.serial());
    }
    return id.toString();
  }
}
