package org.p11ca.ca.kra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.WrapMechanism;

/**
 * <b>WARNING: the one place an archived private key leaves the token.</b> Key recovery (issue [3]) hands an agent the
 * key as a PKCS#12 under a password the agent chose; nothing else may call this. Policy (agent authorization, m-of-n
 * approvals, audit) is the caller's; this class only does the cryptography.
 *
 * <p>How the key leaves: it is unwrapped from storage into a session object, wrapped on the token (RFC 5649) under
 * a fresh session AES key, that AES key is wrapped on the token (RSA-OAEP) for a one-time software RSA key made here,
 * and only then, in this process's memory, the PKCS#8 is unwrapped and sealed into the PKCS#12. Every session object
 * is destroyed and every intermediate secret wiped.
 */
public final class ArchivedKeyExport {

  private final Token token;
  private final KeyHandle storageKey;

  public ArchivedKeyExport(Token token, KeyHandle storageKey) {
    this.token = Objects.requireNonNull(token);
    this.storageKey = Objects.requireNonNull(storageKey);
  }

  /**
   * @param chain the key's certificate first, then its CA chain
   * @param password protects the PKCS#12; the caller wipes it
   */
  public byte[] exportAsPasswordProtectedPkcs12(ArchivedKey archived, List<X509Certificate> chain, char[] password) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the PKCS#12 needs the key's certificate");
    }
    KeyType type = "RSA".equals(chain.get(0).getPublicKey().getAlgorithm()) ? KeyType.RSA : KeyType.EC;
    KeyHandle privateKey = null;
    KeyHandle transferKey = null;
    KeyHandle oneTimePublic = null;
    byte[] wrappedKey = null;
    byte[] transfer = null;
    byte[] pkcs8 = null;
    try {
      privateKey = token.unwrapKey(storageKey, archived.wrapped().mechanism(), archived.wrapped().bytes(),
          ObjectClass.PRIVATE_KEY, type, KeyAttributes.session(KeyUsage.DECRYPT).allowWrappingOutOfToken());
      transferKey = token.generateAesKey(256, KeyAttributes.session(KeyUsage.WRAP).allowWrappingOutOfToken());
      wrappedKey = token.wrapKey(transferKey, new WrapMechanism.AesKeyWrapPad(), privateKey);
      KeyPair oneTime = oneTimeRsa();
      oneTimePublic = token.importPublicKey(oneTime.getPublic(), KeyAttributes.session(KeyUsage.WRAP));
      byte[] wrappedTransfer = token.wrapKey(oneTimePublic, new WrapMechanism.Rsa(
          new RsaPadding.Oaep(HashAlgorithm.SHA1, HashAlgorithm.SHA1)), transferKey);
      transfer = rsaOaepDecrypt(oneTime.getPrivate(), wrappedTransfer);
      pkcs8 = unwrapRfc5649(transfer, wrappedKey);
      return pkcs12(pkcs8, chain, password);
    } catch (HsmException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the token could not release the archived key: "
          + e.getMessage(), e);
    } finally {
      wipe(transfer);
      wipe(pkcs8);
      token.destroyQuietly(oneTimePublic);
      token.destroyQuietly(transferKey);
      token.destroyQuietly(privateKey);
    }
  }

  private static KeyPair oneTimeRsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is part of every JDK", e);
    }
  }

  private static byte[] rsaOaepDecrypt(PrivateKey key, byte[] ciphertext) {
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
          PSource.PSpecified.DEFAULT));
      return c.doFinal(ciphertext);
    } catch (GeneralSecurityException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the token's transfer key does not decrypt: " + e.getMessage(),
          e);
    }
  }

  /**
   * RFC 5649 unwrap, then the PrivateKeyInfo read as one DER object: SoftHSM 2.6.1 zero-pads the key to a multiple
   * of 8 bytes before wrapping (fixed in 2.7.0), so trailing zero bytes may follow it.
   */
  private static byte[] unwrapRfc5649(byte[] key, byte[] wrapped) {
    try {
      Cipher c = Cipher.getInstance("AES/KWP/NoPadding");
      c.init(Cipher.UNWRAP_MODE, new SecretKeySpec(key, "AES"));
      byte[] padded = ((SecretKeySpec) c.unwrap(wrapped, "RAW", Cipher.SECRET_KEY)).getEncoded();
      try (ASN1InputStream in = new ASN1InputStream(padded)) {
        byte[] der = PrivateKeyInfo.getInstance(in.readObject()).getEncoded(ASN1Encoding.DER);
        wipe(padded);
        return der;
      }
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the released key does not unwrap: " + e.getMessage(), e);
    }
  }

  private static byte[] pkcs12(byte[] pkcs8, List<X509Certificate> chain, char[] password) {
    try {
      PrivateKey key = KeyFactory.getInstance(chain.get(0).getPublicKey().getAlgorithm())
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      if (!Arrays.equals(publicOf(key, chain.get(0)), chain.get(0).getPublicKey().getEncoded())) {
        throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the released key is not the certificate's key");
      }
      // The JDK's PKCS12 store defaults (JDK 17: PBES2 with AES-256 and HMAC-SHA256, 10000 iterations; OpenSSL 3
      // reads them).
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("recovered", key, password, chain.toArray(X509Certificate[]::new));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.store(out, password);
      return out.toByteArray();
    } catch (GeneralSecurityException | IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot build the PKCS#12: " + e.getMessage(), e);
    }
  }

  /** The public half of an RSA private key (CRT form carries it); for EC the certificate's key is trusted. */
  private static byte[] publicOf(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
    if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
      return KeyFactory.getInstance("RSA").generatePublic(new java.security.spec.RSAPublicKeySpec(rsa.getModulus(),
          rsa.getPublicExponent())).getEncoded();
    }
    return cert.getPublicKey().getEncoded();
  }

  private static void wipe(byte[] b) {
    if (b != null) {
      Arrays.fill(b, (byte) 0);
    }
  }
}
