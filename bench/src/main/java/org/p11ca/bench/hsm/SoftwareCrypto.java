package org.p11ca.bench.hsm;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.SignatureAlgorithm;

/**
 * The JDK's own providers, as the independent side of each correctness check: what the token signs is verified here,
 * and what the token decrypts or unwraps was encrypted here, the way a relying party or a client would.
 */
final class SoftwareCrypto {

  private SoftwareCrypto() {
  }

  static boolean verifies(PublicKey key, SignatureAlgorithm algorithm, byte[] data, byte[] signature) {
    try {
      Signature verifier;
      if (algorithm.scheme() == SignatureAlgorithm.Scheme.RSA_PSS) {
        String hash = algorithm.hash().jcaName();
        verifier = Signature.getInstance("RSASSA-PSS");
        // Salt as long as the hash, trailer 1: what the token's CK_RSA_PKCS_PSS_PARAMS ask for.
        verifier.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
            algorithm.hash().length(), 1));
      } else {
        verifier = Signature.getInstance(algorithm.jcaName());
      }
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot verify " + algorithm + ": " + e.getMessage(), e);
    }
  }

  static byte[] rsaEncrypt(PublicKey key, RsaPadding padding, byte[] plaintext) {
    try {
      Cipher cipher;
      if (padding instanceof RsaPadding.Oaep oaep) {
        cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new OAEPParameterSpec(oaep.hash().jcaName(), "MGF1",
            new MGF1ParameterSpec(oaep.mgfHash().jcaName()), PSource.PSpecified.DEFAULT));
      } else {
        cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(Cipher.ENCRYPT_MODE, key);
      }
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot RSA-encrypt with " + padding + ": " + e.getMessage(), e);
    }
  }

  static byte[] aesGcmEncrypt(byte[] key, byte[] iv, byte[] plaintext) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot AES-GCM-encrypt: " + e.getMessage(), e);
    }
  }
}
