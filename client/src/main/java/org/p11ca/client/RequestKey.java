package org.p11ca.client;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;

/**
 * A key pair that signs: a request key (CRMF POP, PKCS#10 self-signature) or a CMC signer key, in software or on a
 * token. Signatures are SHA-256 with RSA PKCS#1 v1.5 or ECDSA, what Dogtag's tools make and every CA accepts.
 */
sealed interface RequestKey extends AutoCloseable {

  PublicKey publicKey();

  default SubjectPublicKeyInfo publicKeyInfo() {
    return SubjectPublicKeyInfo.getInstance(publicKey().getEncoded());
  }

  /** A fresh signer; ContentSigners hold state, so make one per signature. */
  ContentSigner signer();

  /** Where the key is, for messages. */
  String describe();

  @Override
  void close();

  /** A key held in this process (generated here or read from a PKCS#12 file). */
  record Software(PrivateKey privateKey, PublicKey publicKey, String describe) implements RequestKey {
    public Software {
      Objects.requireNonNull(privateKey);
      Objects.requireNonNull(publicKey);
    }

    @Override
    public ContentSigner signer() {
      String algorithm = "RSA".equals(privateKey.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
      try {
        return new JcaContentSignerBuilder(algorithm).build(privateKey);
      } catch (OperatorCreationException e) {
        throw new CmcToolException("cannot sign with the " + privateKey.getAlgorithm() + " key from " + describe
            + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      // Nothing to release: the key object goes with the process.
    }
  }

  /** A key on a PKCS#11 token: it signs there and never leaves. Closing closes the token. */
  record OnToken(Token token, KeyHandle key, PublicKey publicKey) implements RequestKey {

    @Override
    public ContentSigner signer() {
      SignatureAlgorithm algorithm = key.keyType() == KeyType.EC
          ? SignatureAlgorithm.ECDSA_SHA256 : SignatureAlgorithm.RSA_PKCS1_SHA256;
      return new TokenContentSigner(token, key, algorithm);
    }

    @Override
    public String describe() {
      return "token '" + token.info().label() + "' key " + key.label().map(l -> "'" + l + "'").orElse("");
    }

    @Override
    public void close() {
      token.close();
    }
  }
}
