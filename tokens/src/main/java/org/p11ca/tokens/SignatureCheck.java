package org.p11ca.tokens;

import java.security.PublicKey;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.p11ca.hsm.HsmException;

/**
 * Verifies what the token just signed, in software, before anyone sees it: a token that returns a bad signature
 * (a faulty device, a mismatched key, an RSA fault that could leak the key) must not produce a certificate.
 */
final class SignatureCheck {
  private SignatureCheck() {
  }

  private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

  static void requireValid(X509CertificateHolder certificate, PublicKey signerKey, String what) {
    boolean valid;
    try {
      valid = certificate.isSignatureValid(verifier(signerKey));
    } catch (org.bouncycastle.cert.CertException e) {
      valid = false;
    }
    require(valid, what);
  }

  static void requireValid(PKCS10CertificationRequest request, PublicKey signerKey, String what) {
    boolean valid;
    try {
      valid = request.isSignatureValid(verifier(signerKey));
    } catch (PKCSException e) {
      valid = false;
    }
    require(valid, what);
  }

  private static ContentVerifierProvider verifier(PublicKey key) {
    try {
      return new JcaContentVerifierProviderBuilder().setProvider(PROVIDER).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("no verifier for a " + key.getAlgorithm() + " key", e);
    }
  }

  private static void require(boolean valid, String what) {
    if (!valid) {
      throw new HsmException(HsmException.Reason.OPERATION_FAILED,
          "the token's signature on " + what + " does not verify with its public key; nothing was written");
    }
  }
}
