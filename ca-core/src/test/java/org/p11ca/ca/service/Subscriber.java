package org.p11ca.ca.service;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.crmf.CRMFException;
import org.bouncycastle.cert.crmf.CertificateRequestMessageBuilder;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A subscriber's software key pair and the requests it makes (a subscriber's key is never on the CA's token). */
public final class Subscriber {

  final KeyPair keys;

  private Subscriber(KeyPair keys) {
    this.keys = keys;
  }

  public static Subscriber rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return new Subscriber(g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** An EC key on a named curve ("secp256r1", "secp384r1"). */
  public static Subscriber ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec(curve));
      return new Subscriber(g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  SubjectPublicKeyInfo publicKeyInfo() {
    return SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
  }

  ContentSigner signer() {
    return signer(keys.getPrivate());
  }

  static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
          .build(key);
    } catch (OperatorCreationException e) {
      throw new AssertionError(e);
    }
  }

  public PKCS10CertificationRequest csr(String subject) {
    return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic()).build(signer());
  }

  /** A CRMF request for {@code subject} (null: none) with a signature POP made by {@code popKey}. */
  CertReqMsg crmf(String subject, PrivateKey popKey) {
    try {
      CertificateRequestMessageBuilder b = new CertificateRequestMessageBuilder(BigInteger.ONE)
          .setPublicKey(publicKeyInfo());
      if (subject != null) {
        b.setSubject(new X500Name(subject));
      }
      if (popKey == null) {
        // BC's builder falls back to raVerified; CRMFPopClient's POP_NONE leaves the pop field out altogether.
        return new CertReqMsg(b.build().toASN1Structure().getCertReq(), null, null);
      }
      b.setProofOfPossessionSigningKeySigner(signer(popKey));
      return b.build().toASN1Structure();
    } catch (CRMFException e) {
      throw new AssertionError(e);
    }
  }

  CertReqMsg crmf(String subject) {
    return crmf(subject, keys.getPrivate());
  }

  /** What a client does with an EncryptedPOP challenge to this (RSA) key: decrypts it in software. */
  byte[] challenge(org.p11ca.ca.cmc.EncryptedPop pop) {
    return pop.challenge((encryptedKey, alg) -> {
      try {
        javax.crypto.Cipher rsa = javax.crypto.Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(javax.crypto.Cipher.DECRYPT_MODE, keys.getPrivate());
        return rsa.doFinal(encryptedKey);
      } catch (GeneralSecurityException e) {
        throw new AssertionError(e);
      }
    });
  }

  /**
   * {@code msg} with PKIArchiveOptions as a client sends them: {@code keyToArchive} under RFC 5649 with an AES key
   * that is RSA-encrypted (PKCS#1) to the KRA's {@code transport} key; the POP is left out.
   */
  static CertReqMsg withArchive(CertReqMsg msg, KeyPair keyToArchive, java.security.PublicKey transport) {
    try {
      javax.crypto.KeyGenerator g = javax.crypto.KeyGenerator.getInstance("AES");
      g.init(128);
      javax.crypto.SecretKey session = g.generateKey();
      javax.crypto.Cipher kwp = javax.crypto.Cipher.getInstance("AES/KWP/NoPadding");
      kwp.init(javax.crypto.Cipher.WRAP_MODE, session);
      byte[] wrappedKey = kwp.wrap(keyToArchive.getPrivate());
      javax.crypto.Cipher rsa = javax.crypto.Cipher.getInstance("RSA/ECB/PKCS1Padding");
      rsa.init(javax.crypto.Cipher.ENCRYPT_MODE, transport);
      org.bouncycastle.asn1.crmf.EncryptedValue value = new org.bouncycastle.asn1.crmf.EncryptedValue(null,
          new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
              org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes128_wrap_pad),
          new org.bouncycastle.asn1.DERBitString(rsa.doFinal(session.getEncoded())), null, null,
          new org.bouncycastle.asn1.DERBitString(wrappedKey));
      org.bouncycastle.asn1.crmf.Controls controls = new org.bouncycastle.asn1.crmf.Controls(
          new org.bouncycastle.asn1.crmf.AttributeTypeAndValue(
              org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers.id_regCtrl_pkiArchiveOptions,
              new org.bouncycastle.asn1.crmf.PKIArchiveOptions(new org.bouncycastle.asn1.crmf.EncryptedKey(value))));
      org.bouncycastle.asn1.crmf.CertRequest req = msg.getCertReq();
      return new CertReqMsg(new org.bouncycastle.asn1.crmf.CertRequest(req.getCertReqId(), req.getCertTemplate(),
          controls), null, null);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
