package org.p11ca.hsm.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.EcCurve;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.HsmException.Reason;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.PinSource;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.SigningTally;
import org.p11ca.hsm.SymmetricCipher;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenObject;
import org.p11ca.hsm.WrapMechanism;
import org.p11ca.hsm.WrappedKey;
import org.p11ca.hsm.bc.TokenContentSigner;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * Every operation of the token API, run against a fresh SoftHSM2 token through each backend. What a backend cannot
 * do is declared in {@link #unsupported()} and asserted to fail with UNSUPPORTED_BY_BACKEND, so the suite's output
 * is the capability table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TokenContractTest {

  /** Operations a backend may lack. */
  enum Capability { RSA_OAEP, AES_KEY_WRAP, CHANGE_PIN, JCA_KEYSTORE }

  abstract Backend backend();

  abstract Set<Capability> unsupported();

  SoftHsm.TestToken testToken;
  Token token;
  KeyHandle rsa;
  KeyHandle p256;
  KeyHandle p384;
  KeyHandle storageKey;

  @BeforeAll
  void openToken() {
    testToken = SoftHsm.createToken("contract-" + backend());
    token = Pkcs11Library.open(testToken.config(backend()));
    rsa = token.generateKeyPair(new KeyPairSpec.Rsa(2048),
        KeyAttributes.persistent("rsa", ObjectId.parseHex("01"), KeyUsage.SIGN, KeyUsage.DECRYPT, KeyUsage.UNWRAP));
    p256 = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
        KeyAttributes.persistent("p256", ObjectId.parseHex("02"), KeyUsage.SIGN));
    p384 = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P384),
        KeyAttributes.persistent("p384", ObjectId.parseHex("03"), KeyUsage.SIGN));
    storageKey = token.generateAesKey(256, KeyAttributes.persistent("storage", ObjectId.parseHex("04"),
        KeyUsage.WRAP, KeyUsage.UNWRAP, KeyUsage.ENCRYPT, KeyUsage.DECRYPT));
  }

  @AfterAll
  void closeToken() {
    if (token != null) {
      token.close();
    }
  }

  private void assertUnsupported(Capability capability, Runnable operation) {
    HsmException e = assertThrows(HsmException.class, operation::run);
    assertEquals(Reason.UNSUPPORTED_BY_BACKEND, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(backend().name().toLowerCase()), e.getMessage());
  }

  private boolean supports(Capability c) {
    return !unsupported().contains(c);
  }

  // ---------------------------------------------------------------- signing

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void sign_producesSignatureTheJdkVerifies(SignatureAlgorithm algorithm) throws Exception {
    List<KeyHandle> keys = algorithm.keyType() == KeyType.RSA ? List.of(rsa) : List.of(p256, p384);
    byte[] data = ("to be signed with " + algorithm).getBytes(StandardCharsets.UTF_8);
    for (KeyHandle key : keys) {
      byte[] signature = token.sign(key, algorithm, data);
      Signature verifier = jdkVerifier(algorithm);
      verifier.initVerify(token.publicKey(key));
      verifier.update(data);
      assertTrue(verifier.verify(signature), algorithm + " with " + key);
      verifier.initVerify(token.publicKey(key));
      verifier.update("other data".getBytes(StandardCharsets.UTF_8));
      assertFalse(verifier.verify(signature), "signature must bind the data");
    }
  }

  static Signature jdkVerifier(SignatureAlgorithm algorithm) throws Exception {
    if (algorithm.scheme() == SignatureAlgorithm.Scheme.RSA_PSS) {
      Signature s = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
      String h = algorithm.hash().jcaName();
      s.setParameter(new PSSParameterSpec(h, "MGF1", new MGF1ParameterSpec(h), algorithm.hash().length(), 1));
      return s;
    }
    return Signature.getInstance(algorithm.jcaName());
  }

  @Test
  void signingTally_countsEachSignatureWithTheCpuItTookInTheLibrary() {
    SigningTally before = token.signingTally().orElseThrow();
    token.sign(rsa, SignatureAlgorithm.RSA_PKCS1_SHA256, new byte[] {1});
    token.sign(rsa, SignatureAlgorithm.RSA_PSS_SHA256, new byte[] {2});
    token.sign(p256, SignatureAlgorithm.ECDSA_SHA256, new byte[] {3});
    assertThrows(HsmException.class, () -> token.sign(p256, SignatureAlgorithm.RSA_PKCS1_SHA256, new byte[] {4}));
    SigningTally three = token.signingTally().orElseThrow().since(before);

    assertEquals(3, three.signatures(), "three signatures made, the refused one not counted: " + three);
    // SoftHSM signs on this thread: an RSA-2048 signature takes hundreds of microseconds of its CPU.
    assertTrue(three.threadCpuNanos() > 100_000, three.toString());
    assertTrue(three.wallNanos() > 0, three.toString());
    SigningTally none = token.signingTally().orElseThrow().since(token.signingTally().orElseThrow());
    assertEquals(0, none.signatures());
  }

  @Test
  void sign_withWrongKeyTypeIsRefusedWithReason() {
    HsmException e = assertThrows(HsmException.class,
        () -> token.sign(p256, SignatureAlgorithm.RSA_PKCS1_SHA256, new byte[] {1}));
    assertEquals(Reason.INVALID_INPUT, e.reason());
  }

  @ParameterizedTest
  @EnumSource(value = SignatureAlgorithm.class, names = {"RSA_PKCS1_SHA256", "RSA_PSS_SHA384", "ECDSA_SHA256"})
  void contentSigner_signsCertificateThatVerifies(SignatureAlgorithm algorithm) throws Exception {
    KeyHandle key = algorithm.keyType() == KeyType.RSA ? rsa : p256;
    X509Certificate cert = selfSigned(key, algorithm, "CN=content signer " + algorithm);
    X509CertificateHolder holder = new X509CertificateHolder(cert.getEncoded());
    assertTrue(holder.isSignatureValid(new JcaContentVerifierProviderBuilder()
        .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build(token.publicKey(key))));
    cert.verify(token.publicKey(key));
  }

  X509Certificate selfSigned(KeyHandle key, SignatureAlgorithm algorithm, String subject) throws Exception {
    Instant now = Instant.now();
    X500Name name = new X500Name(subject);
    var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now),
        Date.from(now.plus(1, ChronoUnit.DAYS)), name, token.publicKey(key));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new TokenContentSigner(token, key, algorithm)));
  }

  // ---------------------------------------------------------------- RSA decryption

  @Test
  void decrypt_rsaPkcs1() throws Exception {
    Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    c.init(Cipher.ENCRYPT_MODE, token.publicKey(rsa));
    byte[] secret = "session key bytes".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(secret, token.decrypt(rsa, RsaPadding.pkcs1v15(), c.doFinal(secret)));
  }

  @Test
  void decrypt_rsaOaepSha1() throws Exception {
    Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
    c.init(Cipher.ENCRYPT_MODE, token.publicKey(rsa),
        new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
    byte[] secret = "oaep secret".getBytes(StandardCharsets.UTF_8);
    byte[] ct = c.doFinal(secret);
    if (supports(Capability.RSA_OAEP)) {
      assertArrayEquals(secret, token.decrypt(rsa, RsaPadding.oaep(HashAlgorithm.SHA1), ct));
    } else {
      assertUnsupported(Capability.RSA_OAEP, () -> token.decrypt(rsa, RsaPadding.oaep(HashAlgorithm.SHA1), ct));
    }
  }

  /** SoftHSM 2.6.1 does OAEP with SHA-1 only: anything else must be a clear refusal, not a device error. */
  @Test
  void decrypt_rsaOaepSha256IsRefusedClearlyWhereTheTokenLacksIt() throws Exception {
    Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
    c.init(Cipher.ENCRYPT_MODE, token.publicKey(rsa),
        new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    byte[] secret = "oaep sha-256".getBytes(StandardCharsets.UTF_8);
    byte[] ct = c.doFinal(secret);
    try {
      assertArrayEquals(secret, token.decrypt(rsa, RsaPadding.oaep(HashAlgorithm.SHA256), ct));
    } catch (HsmException e) {
      assertEquals(Reason.MECHANISM_UNSUPPORTED, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }
  }

  @Test
  void generatedKeys_haveOnlyTheUsagesAskedFor() {
    KeyHandle ecPublic = token.requireKey(ObjectClass.PUBLIC_KEY, KeySelector.label("p256"));
    Map<Long, Object> a = ((Pkcs11Token) token).attributesForTests(ecPublic, Pkcs11Constants.CKA_VERIFY,
        Pkcs11Constants.CKA_ENCRYPT, Pkcs11Constants.CKA_WRAP, Pkcs11Constants.CKA_DERIVE);
    assertEquals(Map.of(Pkcs11Constants.CKA_VERIFY, true, Pkcs11Constants.CKA_ENCRYPT, false,
        Pkcs11Constants.CKA_WRAP, false, Pkcs11Constants.CKA_DERIVE, false), a);
    Map<Long, Object> s = ((Pkcs11Token) token).attributesForTests(storageKey, Pkcs11Constants.CKA_SIGN,
        Pkcs11Constants.CKA_VERIFY, Pkcs11Constants.CKA_WRAP, Pkcs11Constants.CKA_UNWRAP);
    assertEquals(Map.of(Pkcs11Constants.CKA_SIGN, false, Pkcs11Constants.CKA_VERIFY, false,
        Pkcs11Constants.CKA_WRAP, true, Pkcs11Constants.CKA_UNWRAP, true), s);
  }

  @Test
  void decrypt_corruptCiphertextIsInvalidInput() {
    byte[] garbage = new byte[256];
    garbage[0] = 0x7f;
    garbage[255] = 1;
    HsmException e = assertThrows(HsmException.class, () -> token.decrypt(rsa, RsaPadding.pkcs1v15(), garbage));
    assertEquals(Reason.INVALID_INPUT, e.reason(), e.getMessage());
  }

  // ---------------------------------------------------------------- AES

  @Test
  void aesCbcPad_roundTrip() {
    byte[] iv = token.generateRandom(16);
    byte[] data = "seventeen bytes!!".getBytes(StandardCharsets.UTF_8);
    byte[] ct = token.encrypt(storageKey, new SymmetricCipher.AesCbcPad(iv), data);
    assertEquals(32, ct.length);
    assertArrayEquals(data, token.decrypt(storageKey, new SymmetricCipher.AesCbcPad(iv), ct));
  }

  @Test
  void aesGcm_roundTripAndTamperDetection() {
    byte[] iv = token.generateRandom(12);
    byte[] aad = "header".getBytes(StandardCharsets.UTF_8);
    byte[] data = "gcm protected".getBytes(StandardCharsets.UTF_8);
    var gcm = new SymmetricCipher.AesGcm(iv, aad, 128);
    byte[] ct = token.encrypt(storageKey, gcm, data);
    assertEquals(data.length + 16, ct.length);
    assertArrayEquals(data, token.decrypt(storageKey, gcm, ct));
    ct[0] ^= 1;
    HsmException e = assertThrows(HsmException.class, () -> token.decrypt(storageKey, gcm, ct));
    assertEquals(Reason.INVALID_INPUT, e.reason(), e.getMessage());
  }

  @Test
  void generateAesKey_sessionObjectIsNotPersistent() {
    KeyHandle k = token.generateAesKey(128, KeyAttributes.session(KeyUsage.ENCRYPT, KeyUsage.DECRYPT));
    assertFalse(k.persistent());
    assertEquals(128, k.sizeBits());
    token.destroy(k);
  }

  // ---------------------------------------------------------------- wrapping

  /** An extractable session AES key, and a proof of its value: its encryption of a fixed block. */
  private KeyHandle extractableDataKey() {
    return token.generateAesKey(256,
        KeyAttributes.session(KeyUsage.ENCRYPT, KeyUsage.DECRYPT).allowWrappingOutOfToken());
  }

  private void assertSameAesKey(KeyHandle a, KeyHandle b) {
    byte[] iv = new byte[16];
    byte[] data = "the same key encrypts the same".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(token.encrypt(a, new SymmetricCipher.AesCbcPad(iv), data),
        token.encrypt(b, new SymmetricCipher.AesCbcPad(iv), data));
  }

  @Test
  void wrap_aesKeyWrapPadAndCbcPadRoundTrip() {
    KeyHandle dataKey = extractableDataKey();
    List<WrapMechanism> mechanisms = List.of(new WrapMechanism.AesKeyWrapPad(), new WrapMechanism.AesKeyWrap(),
        new WrapMechanism.AesCbcPad(token.generateRandom(16)));
    Pkcs11Token p11 = (Pkcs11Token) token;
    for (WrapMechanism m : mechanisms) {
      if (!(m instanceof WrapMechanism.AesCbcPad) && !supports(Capability.AES_KEY_WRAP)) {
        assertUnsupported(Capability.AES_KEY_WRAP, () -> token.wrapKey(storageKey, m, dataKey));
        continue;
      }
      if (m instanceof WrapMechanism.AesCbcPad
          && !p11.offers(Pkcs11Constants.CKM_AES_CBC_PAD, Pkcs11Constants.CKF_WRAP)) {
        // SoftHSM 2.6.1 encrypts with CBC-PAD but cannot wrap with it: the refusal must say so.
        HsmException e = assertThrows(HsmException.class, () -> token.wrapKey(storageKey, m, dataKey));
        assertEquals(Reason.MECHANISM_UNSUPPORTED, e.reason(), e.getMessage());
        continue;
      }
      byte[] wrapped = assertDoesNotThrow(() -> token.wrapKey(storageKey, m, dataKey), m.toString());
      KeyHandle unwrapped = assertDoesNotThrow(() -> token.unwrapKey(storageKey, m, wrapped, ObjectClass.SECRET_KEY,
          KeyType.AES, KeyAttributes.session(KeyUsage.ENCRYPT, KeyUsage.DECRYPT)), m.toString());
      assertSameAesKey(dataKey, unwrapped);
      assertEquals(Optional.of(false), attributesOf(unwrapped).extractable(), "unwrapped keys stay in the token");
      assertEquals(Optional.of(true), attributesOf(unwrapped).sensitive());
      token.destroy(unwrapped);
    }
    token.destroy(dataKey);
  }

  @Test
  void wrap_nonExtractableKeyIsRefused() {
    KeyHandle fixed = token.generateAesKey(128, KeyAttributes.session(KeyUsage.ENCRYPT));
    HsmException e = assertThrows(HsmException.class, () -> token.wrapKey(storageKey,
        new WrapMechanism.AesKeyWrapPad(), fixed));
    assertEquals(Reason.INVALID_INPUT, e.reason(), e.getMessage());
    token.destroy(fixed);
  }

  @Test
  void wrapKeyForStorage_usesRfc5649WhereOfferedElseCbcPad() {
    KeyHandle dataKey = extractableDataKey();
    if (supports(Capability.AES_KEY_WRAP)) {
      WrappedKey w = token.wrapKeyForStorage(storageKey, dataKey);
      assertInstanceOf(WrapMechanism.AesKeyWrapPad.class, w.mechanism());
    }
    try (Token withoutKwp = Pkcs11Library.open(testToken.config(backend())
        .withDisabledMechanisms(Set.of("CKM_AES_KEY_WRAP_PAD")))) {
      KeyHandle storage = withoutKwp.requireKey(ObjectClass.SECRET_KEY, KeySelector.label("storage"));
      KeyHandle key = withoutKwp.generateAesKey(256,
          KeyAttributes.session(KeyUsage.ENCRYPT).allowWrappingOutOfToken());
      HsmException kwp = assertThrows(HsmException.class,
          () -> withoutKwp.wrapKey(storage, new WrapMechanism.AesKeyWrapPad(), key));
      assertEquals(Reason.MECHANISM_UNSUPPORTED, kwp.reason());
      if (((Pkcs11Token) withoutKwp).offers(Pkcs11Constants.CKM_AES_CBC_PAD, Pkcs11Constants.CKF_WRAP)) {
        WrappedKey w = withoutKwp.wrapKeyForStorage(storage, key);
        assertInstanceOf(WrapMechanism.AesCbcPad.class, w.mechanism());
        KeyHandle back = withoutKwp.unwrapKey(storage, w.mechanism(), w.bytes(), ObjectClass.SECRET_KEY,
            KeyType.AES, KeyAttributes.session(KeyUsage.ENCRYPT));
        byte[] iv = new byte[16];
        assertArrayEquals(withoutKwp.encrypt(key, new SymmetricCipher.AesCbcPad(iv), new byte[5]),
            withoutKwp.encrypt(back, new SymmetricCipher.AesCbcPad(iv), new byte[5]));
      } else {
        HsmException none = assertThrows(HsmException.class, () -> withoutKwp.wrapKeyForStorage(storage, key));
        assertEquals(Reason.MECHANISM_UNSUPPORTED, none.reason());
        assertTrue(none.getMessage().contains("CKM_AES_CBC_PAD"), none.getMessage());
      }
      withoutKwp.destroy(key);
    }
    token.destroy(dataKey);
  }

  /**
   * RFC 5753 ECDH for a CMS KeyAgreeRecipientInfo: the AES key made on the token from its EC key and a peer's is
   * the one the peer computes in software (JCA ECDH, then the X9.63 KDF by hand), and it stays on the token.
   */
  @ParameterizedTest
  @EnumSource(value = EcCurve.class, names = {"P256", "P384"})
  void deriveEcdhAesKey_matchesTheSoftwareKdf_andLeavesOnlyTheAesKey(EcCurve curve) throws Exception {
    KeyHandle mine = token.generateKeyPair(new KeyPairSpec.Ec(curve), KeyAttributes.session(KeyUsage.DERIVE));
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec(curve == EcCurve.P256 ? "secp256r1" : "secp384r1"));
    java.security.KeyPair peer = g.generateKeyPair();
    byte[] sharedInfo = "an ECC-CMS-SharedInfo".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    HashAlgorithm hash = curve == EcCurve.P256 ? HashAlgorithm.SHA256 : HashAlgorithm.SHA384;
    int bits = curve == EcCurve.P256 ? 128 : 256;
    int objectsBefore = token.listObjects().size();

    KeyHandle kek = token.deriveEcdhAesKey(mine, peer.getPublic(), hash, sharedInfo, bits,
        KeyAttributes.session(KeyUsage.WRAP, KeyUsage.ENCRYPT));

    javax.crypto.KeyAgreement agreement = javax.crypto.KeyAgreement.getInstance("ECDH");
    agreement.init(peer.getPrivate());
    agreement.doPhase(token.publicKey(mine), true);
    java.security.MessageDigest md = java.security.MessageDigest.getInstance(hash.jcaName());
    md.update(agreement.generateSecret());
    md.update(new byte[] {0, 0, 0, 1});
    byte[] k = Arrays.copyOf(md.digest(sharedInfo), bits / 8);
    byte[] iv = new byte[16];
    Cipher soft = Cipher.getInstance("AES/CBC/PKCS5Padding");
    soft.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new IvParameterSpec(iv));
    byte[] data = "the challenge".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertArrayEquals(soft.doFinal(data), token.encrypt(kek, new SymmetricCipher.AesCbcPad(iv), data));
    assertEquals(Optional.of(false), attributesOf(kek).extractable(), "the derived key stays in the token");
    assertEquals(Optional.of(true), attributesOf(kek).sensitive());
    assertEquals(objectsBefore + 1, token.listObjects().size(), "the shared secret Z was destroyed");
    token.destroy(kek);
    int withPair = token.listObjects().size();
    token.destroyKeyPair(mine);
    assertEquals(withPair - 2, token.listObjects().size(), "the ephemeral pair's private and public halves");
  }

  @Test
  void deriveEcdhAesKey_refusesAnRsaKeyAndAPeerOnAnotherCurve() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    java.security.PublicKey p384Peer = g.generateKeyPair().getPublic();
    HsmException rsaKey = assertThrows(HsmException.class, () -> token.deriveEcdhAesKey(rsa, p384Peer,
        HashAlgorithm.SHA256, new byte[0], 128, KeyAttributes.session(KeyUsage.WRAP)));
    assertEquals(Reason.INVALID_INPUT, rsaKey.reason(), rsaKey.getMessage());
    KeyHandle mine = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256), KeyAttributes.session(KeyUsage.DERIVE));
    int objectsBefore = token.listObjects().size();
    HsmException otherCurve = assertThrows(HsmException.class, () -> token.deriveEcdhAesKey(mine, p384Peer,
        HashAlgorithm.SHA256, new byte[0], 128, KeyAttributes.session(KeyUsage.WRAP)));
    assertEquals(Reason.INVALID_INPUT, otherCurve.reason(), otherCurve.getMessage());
    assertEquals(objectsBefore, token.listObjects().size(), "nothing is left behind by a refused derivation");
    token.destroyKeyPair(mine);
  }

  /** The archival path: a session key under RSA, then a software private key under that session key. */
  @Test
  void unwrap_rsaTransportThenPrivateKeyIntoToken() throws Exception {
    byte[] sessionKey = new byte[16];
    new java.security.SecureRandom().nextBytes(sessionKey);
    Cipher rsaCipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    rsaCipher.init(Cipher.ENCRYPT_MODE, token.publicKey(rsa));
    KeyHandle onToken = token.unwrapKey(rsa, new WrapMechanism.Rsa(RsaPadding.pkcs1v15()),
        rsaCipher.doFinal(sessionKey), ObjectClass.SECRET_KEY, KeyType.AES,
        KeyAttributes.session(KeyUsage.UNWRAP, KeyUsage.ENCRYPT));
    byte[] iv = new byte[16];
    Cipher soft = Cipher.getInstance("AES/CBC/PKCS5Padding");
    soft.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"), new javax.crypto.spec.IvParameterSpec(iv));
    assertArrayEquals(soft.doFinal(new byte[3]), token.encrypt(onToken, new SymmetricCipher.AesCbcPad(iv),
        new byte[3]), "the unwrapped session key is the one sent");

    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair subscriber = g.generateKeyPair();
    WrapMechanism mechanism;
    byte[] wrappedPrivateKey;
    if (supports(Capability.AES_KEY_WRAP)) {
      RFC5649WrapEngine kwp = new RFC5649WrapEngine(AESEngine.newInstance());
      kwp.init(true, new KeyParameter(sessionKey));
      byte[] pkcs8 = subscriber.getPrivate().getEncoded();
      wrappedPrivateKey = kwp.wrap(pkcs8, 0, pkcs8.length);
      mechanism = new WrapMechanism.AesKeyWrapPad();
    } else {
      soft.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"),
          new javax.crypto.spec.IvParameterSpec(iv));
      wrappedPrivateKey = soft.doFinal(subscriber.getPrivate().getEncoded());
      mechanism = new WrapMechanism.AesCbcPad(iv);
    }
    KeyHandle unwrappedPrivate = token.unwrapKey(onToken, mechanism, wrappedPrivateKey, ObjectClass.PRIVATE_KEY,
        KeyType.RSA, KeyAttributes.session(KeyUsage.SIGN));
    TokenObject row = attributesOf(unwrappedPrivate);
    assertEquals(Optional.of(true), row.sensitive());
    assertEquals(Optional.of(false), row.extractable());
    byte[] sig = token.sign(unwrappedPrivate, SignatureAlgorithm.RSA_PKCS1_SHA256, new byte[] {42});
    Signature v = Signature.getInstance("SHA256withRSA");
    v.initVerify(subscriber.getPublic());
    v.update(new byte[] {42});
    assertTrue(v.verify(sig), "the unwrapped private key is the subscriber's");
    token.destroy(unwrappedPrivate);
    token.destroy(onToken);
  }

  @Test
  void wrap_aesKeyUnderRsaOaep() throws Exception {
    KeyHandle dataKey = extractableDataKey();
    WrapMechanism oaep = new WrapMechanism.Rsa(RsaPadding.oaep(HashAlgorithm.SHA1));
    if (!supports(Capability.RSA_OAEP)) {
      assertUnsupported(Capability.RSA_OAEP, () -> token.unwrapKey(rsa, oaep, new byte[256], ObjectClass.SECRET_KEY,
          KeyType.AES, KeyAttributes.session(KeyUsage.ENCRYPT)));
      token.destroy(dataKey);
      return;
    }
    KeyHandle rsaPublic = token.requireKey(ObjectClass.PUBLIC_KEY, KeySelector.label("rsa"));
    byte[] wrapped = token.wrapKey(rsaPublic, oaep, dataKey);
    KeyHandle back = token.unwrapKey(rsa, oaep, wrapped, ObjectClass.SECRET_KEY, KeyType.AES,
        KeyAttributes.session(KeyUsage.ENCRYPT, KeyUsage.DECRYPT));
    assertSameAesKey(dataKey, back);
    token.destroy(back);
    token.destroy(dataKey);
  }

  // ---------------------------------------------------------------- EncryptedPOP and KRA archival (issue [3])

  /** The RSA key transports of CMS and CRMF, on the token and in the JDK. */
  enum Transport {
    PKCS1(RsaPadding.pkcs1v15(), "RSA/ECB/PKCS1Padding", null),
    OAEP_SHA1(RsaPadding.oaep(HashAlgorithm.SHA1), "RSA/ECB/OAEPPadding",
        new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT)),
    OAEP_SHA256(RsaPadding.oaep(HashAlgorithm.SHA256), "RSA/ECB/OAEPPadding",
        new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));

    final RsaPadding padding;
    final String jcaName;
    final OAEPParameterSpec oaep;

    Transport(RsaPadding padding, String jcaName, OAEPParameterSpec oaep) {
      this.padding = padding;
      this.jcaName = jcaName;
      this.oaep = oaep;
    }

    Cipher jca(int mode, java.security.Key key) throws Exception {
      Cipher c = Cipher.getInstance(jcaName);
      if (oaep == null) {
        c.init(mode, key);
      } else {
        c.init(mode, key, oaep);
      }
      return c;
    }

    /** SoftHSM 2.6.1 does OAEP with SHA-1 only; a token without the hash must say so, naming it. */
    boolean mayBeMissing() {
      return this == OAEP_SHA256;
    }
  }

  private static KeyPair subscriberRsa;
  private static KeyPair subscriberEc;

  private static synchronized KeyPair subscriberRsa() throws Exception {
    if (subscriberRsa == null) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      subscriberRsa = g.generateKeyPair();
    }
    return subscriberRsa;
  }

  private static synchronized KeyPair subscriberEc() throws Exception {
    if (subscriberEc == null) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      subscriberEc = g.generateKeyPair();
    }
    return subscriberEc;
  }

  private static void assertMissingOaepHash(HsmException e) {
    assertEquals(Reason.MECHANISM_UNSUPPORTED, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("cannot do RSA-OAEP with SHA-256"), e.getMessage());
  }

  private Map<Long, Object> usageAttributes(Token t, KeyHandle key) {
    return ((Pkcs11Token) t).attributesForTests(key, Pkcs11Constants.CKA_TOKEN, Pkcs11Constants.CKA_PRIVATE,
        Pkcs11Constants.CKA_ENCRYPT, Pkcs11Constants.CKA_WRAP, Pkcs11Constants.CKA_VERIFY, Pkcs11Constants.CKA_DERIVE);
  }

  @Test
  void importPublicKey_sessionObjectHasExactlyTheUsagesAskedFor() throws Exception {
    KeyHandle rsaKey = token.importPublicKey(subscriberRsa().getPublic(),
        KeyAttributes.session(KeyUsage.ENCRYPT, KeyUsage.WRAP));
    KeyHandle ecKey = token.importPublicKey(subscriberEc().getPublic(),
        KeyAttributes.session(KeyUsage.SIGN, KeyUsage.DERIVE));
    try {
      assertFalse(rsaKey.persistent());
      assertFalse(token.describe(rsaKey).persistent());
      assertEquals(2048, rsaKey.sizeBits());
      assertEquals(Map.of(Pkcs11Constants.CKA_TOKEN, false, Pkcs11Constants.CKA_PRIVATE, false,
          Pkcs11Constants.CKA_ENCRYPT, true, Pkcs11Constants.CKA_WRAP, true, Pkcs11Constants.CKA_VERIFY, false,
          Pkcs11Constants.CKA_DERIVE, false), usageAttributes(token, rsaKey));
      assertEquals(Map.of(Pkcs11Constants.CKA_TOKEN, false, Pkcs11Constants.CKA_PRIVATE, false,
          Pkcs11Constants.CKA_ENCRYPT, false, Pkcs11Constants.CKA_WRAP, false, Pkcs11Constants.CKA_VERIFY, true,
          Pkcs11Constants.CKA_DERIVE, true), usageAttributes(token, ecKey));
      assertEquals(subscriberRsa().getPublic(), token.publicKey(rsaKey));
      assertEquals(subscriberEc().getPublic(), token.publicKey(ecKey));
    } finally {
      token.destroy(rsaKey);
      token.destroy(ecKey);
    }
  }

  @Test
  void importPublicKey_tokenObjectGetsItsLabelAndTheKeyIdentifier() throws Exception {
    PublicKey pk = subscriberRsa().getPublic();
    KeyHandle imported = token.importPublicKey(pk, KeyAttributes.persistent("imported-transport", KeyUsage.ENCRYPT));
    try {
      assertTrue(imported.persistent());
      assertArrayEquals(HashAlgorithm.SHA1.digest(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo
          .getInstance(pk.getEncoded()).getPublicKeyData().getBytes()), imported.id().orElseThrow().bytes());
      KeyHandle found = token.requireKey(ObjectClass.PUBLIC_KEY, KeySelector.label("imported-transport"));
      assertEquals(pk, token.publicKey(found));
      assertEquals(Boolean.TRUE, usageAttributes(token, found).get(Pkcs11Constants.CKA_TOKEN));
      HsmException again = assertThrows(HsmException.class, () -> token.importPublicKey(pk,
          KeyAttributes.persistent("imported-transport", KeyUsage.ENCRYPT)));
      assertEquals(Reason.OBJECT_EXISTS, again.reason(), again.getMessage());
    } finally {
      token.destroy(imported);
    }
  }

  @Test
  void importPublicKey_refusesUsagesAPublicKeyCannotHave() throws Exception {
    HsmException decrypt = assertThrows(HsmException.class, () -> token.importPublicKey(subscriberRsa().getPublic(),
        KeyAttributes.session(KeyUsage.DECRYPT)));
    assertEquals(Reason.INVALID_INPUT, decrypt.reason(), decrypt.getMessage());
    HsmException ecWrap = assertThrows(HsmException.class, () -> token.importPublicKey(subscriberEc().getPublic(),
        KeyAttributes.session(KeyUsage.WRAP)));
    assertEquals(Reason.INVALID_INPUT, ecWrap.reason(), ecWrap.getMessage());
  }

  @Test
  void aesCbc_isCbcWithoutPaddingAndRoundTrips() {
    byte[] iv = token.generateRandom(16);
    byte[] data = token.generateRandom(48);
    byte[] ct = token.encrypt(storageKey, new SymmetricCipher.AesCbc(iv), data);
    assertEquals(48, ct.length, "no padding block");
    // PKCS#7 padding of whole blocks appends one block: the unpadded ciphertext is the padded one's prefix.
    byte[] padded = token.encrypt(storageKey, new SymmetricCipher.AesCbcPad(iv), data);
    assertArrayEquals(ct, java.util.Arrays.copyOf(padded, 48));
    assertArrayEquals(data, token.decrypt(storageKey, new SymmetricCipher.AesCbc(iv), ct));
  }

  @Test
  void aesCbc_refusesDataThatIsNotWholeBlocksNamingTheLength() {
    byte[] iv = new byte[16];
    HsmException enc = assertThrows(HsmException.class,
        () -> token.encrypt(storageKey, new SymmetricCipher.AesCbc(iv), new byte[17]));
    assertEquals(Reason.INVALID_INPUT, enc.reason());
    assertTrue(enc.getMessage().contains("17 bytes"), enc.getMessage());
    HsmException dec = assertThrows(HsmException.class,
        () -> token.decrypt(storageKey, new SymmetricCipher.AesCbc(iv), new byte[15]));
    assertEquals(Reason.INVALID_INPUT, dec.reason());
    assertTrue(dec.getMessage().contains("15 bytes"), dec.getMessage());
    HsmException empty = assertThrows(HsmException.class,
        () -> token.encrypt(storageKey, new SymmetricCipher.AesCbc(iv), new byte[0]));
    assertEquals(Reason.INVALID_INPUT, empty.reason());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void encrypt_rsaPublicKeyRoundTripsWithTheTokensPrivateKey(Transport transport) {
    KeyHandle rsaPublic = token.requireKey(ObjectClass.PUBLIC_KEY, KeySelector.label("rsa"));
    byte[] secret = token.generateRandom(32);
    byte[] ct;
    try {
      ct = token.encrypt(rsaPublic, transport.padding, secret);
    } catch (HsmException e) {
      if (!transport.mayBeMissing()) {
        throw e;
      }
      assertMissingOaepHash(e);
      return;
    }
    assertEquals(256, ct.length);
    assertArrayEquals(secret, token.decrypt(rsa, transport.padding, ct));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void encrypt_underAnImportedSessionPublicKeyDecryptsInSoftware(Transport transport) throws Exception {
    KeyHandle imported = token.importPublicKey(subscriberRsa().getPublic(), KeyAttributes.session(KeyUsage.ENCRYPT));
    try {
      byte[] secret = token.generateRandom(20);
      byte[] ct;
      try {
        ct = token.encrypt(imported, transport.padding, secret);
      } catch (HsmException e) {
        if (!transport.mayBeMissing()) {
          throw e;
        }
        assertMissingOaepHash(e);
        return;
      }
      assertArrayEquals(secret, transport.jca(Cipher.DECRYPT_MODE, subscriberRsa().getPrivate()).doFinal(ct));
    } finally {
      token.destroy(imported);
    }
  }

  @Test
  void encrypt_rsaWithAPrivateKeyOrTooMuchDataIsRefused() throws Exception {
    HsmException priv = assertThrows(HsmException.class, () -> token.encrypt(rsa, RsaPadding.pkcs1v15(),
        new byte[1]));
    assertEquals(Reason.INVALID_INPUT, priv.reason(), priv.getMessage());
    KeyHandle rsaPublic = token.requireKey(ObjectClass.PUBLIC_KEY, KeySelector.label("rsa"));
    HsmException big = assertThrows(HsmException.class, () -> token.encrypt(rsaPublic, RsaPadding.pkcs1v15(),
        new byte[246]));
    assertEquals(Reason.INVALID_INPUT, big.reason(), big.getMessage());
    assertTrue(big.getMessage().contains("at most 245 bytes, not 246"), big.getMessage());
    assertEquals(256, token.encrypt(rsaPublic, RsaPadding.pkcs1v15(), new byte[245]).length);
  }

  /** The EncryptedPOP challenge: a token AES key wrapped for the subscriber, who unwraps it in software. */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void wrap_aesKeyUnderAnImportedRsaPublicKeyIsTheKeyTheTokenUses(Transport transport) throws Exception {
    KeyHandle subscriber = token.importPublicKey(subscriberRsa().getPublic(),
        KeyAttributes.session(KeyUsage.WRAP, KeyUsage.ENCRYPT));
    KeyHandle sessionKey = token.generateAesKey(128,
        KeyAttributes.session(KeyUsage.ENCRYPT, KeyUsage.DECRYPT).allowWrappingOutOfToken());
    try {
      byte[] wrapped;
      try {
        wrapped = token.wrapKey(subscriber, new WrapMechanism.Rsa(transport.padding), sessionKey);
      } catch (HsmException e) {
        if (!transport.mayBeMissing()) {
          throw e;
        }
        assertMissingOaepHash(e);
        return;
      }
      byte[] keyBytes = transport.jca(Cipher.DECRYPT_MODE, subscriberRsa().getPrivate()).doFinal(wrapped);
      assertEquals(16, keyBytes.length);
      byte[] iv = token.generateRandom(16);
      byte[] challenge = token.generateRandom(32);
      byte[] onToken = token.encrypt(sessionKey, new SymmetricCipher.AesCbc(iv), challenge);
      Cipher soft = Cipher.getInstance("AES/CBC/NoPadding");
      soft.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyBytes, "AES"), new javax.crypto.spec.IvParameterSpec(iv));
      assertArrayEquals(challenge, soft.doFinal(onToken), "the subscriber decrypts what the token encrypted");
    } finally {
      token.destroy(sessionKey);
      token.destroy(subscriber);
    }
  }

  @Test
  void wrap_underAnRsaPrivateKeyIsRefusedNamingThePublicKey() {
    KeyHandle dataKey = extractableDataKey();
    try {
      HsmException e = assertThrows(HsmException.class,
          () -> token.wrapKey(rsa, new WrapMechanism.Rsa(RsaPadding.pkcs1v15()), dataKey));
      assertEquals(Reason.INVALID_INPUT, e.reason());
      assertTrue(e.getMessage().contains("public key"), e.getMessage());
    } finally {
      token.destroy(dataKey);
    }
  }

  /** Archival step 1: the CRMF session key, RSA PKCS#1 v1.5 under the KRA transport key, into a session key. */
  private KeyHandle unwrapTransportedSessionKey(Token t, KeyHandle transport, byte[] sessionKey) throws Exception {
    Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    c.init(Cipher.ENCRYPT_MODE, t.publicKey(transport));
    return t.unwrapKey(transport, new WrapMechanism.Rsa(RsaPadding.pkcs1v15()), c.doFinal(sessionKey),
        ObjectClass.SECRET_KEY, KeyType.AES, KeyAttributes.session(KeyUsage.DECRYPT, KeyUsage.UNWRAP));
  }

  private static byte[] softwareKwp(byte[] kek, java.security.Key key) throws Exception {
    Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
    kwp.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
    return kwp.wrap(key);
  }

  private static byte[] softwareCbcPad(byte[] kek, byte[] iv, byte[] data) throws Exception {
    Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
    cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new javax.crypto.spec.IvParameterSpec(iv));
    return cbc.doFinal(data);
  }

  private void assertSessionKeyThatStaysInTheToken(Token t, KeyHandle key) {
    TokenObject row = t.describe(key);
    assertFalse(key.persistent());
    assertFalse(row.persistent());
    assertEquals(Optional.of(true), row.sensitive(), key.toString());
    assertEquals(Optional.of(false), row.extractable(), key.toString());
  }

  @Test
  void unwrap_softwareWrappedAesKeyIsASensitiveSessionKeyForCbcAndCbcPad() throws Exception {
    byte[] sessionKey = token.generateRandom(16);
    KeyHandle onToken = unwrapTransportedSessionKey(token, rsa, sessionKey);
    try {
      assertSessionKeyThatStaysInTheToken(token, onToken);
      assertEquals(((Pkcs11Token) token).quirksForTests().reportsUnwrappedSecretKeyLength() ? 128 : 0,
          onToken.sizeBits());
      byte[] iv = token.generateRandom(16);
      byte[] blocks = token.generateRandom(32);
      Cipher soft = Cipher.getInstance("AES/CBC/NoPadding");
      soft.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"), new javax.crypto.spec.IvParameterSpec(iv));
      assertArrayEquals(blocks, token.decrypt(onToken, new SymmetricCipher.AesCbc(iv), soft.doFinal(blocks)));
      byte[] odd = "not a whole number of blocks".getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(odd, token.decrypt(onToken, new SymmetricCipher.AesCbcPad(iv),
          softwareCbcPad(sessionKey, iv, odd)));
    } finally {
      token.destroy(onToken);
    }
  }

  enum PrivateKeyWrapping { AES_KWP, AES_CBC_PAD }

  /** Archival step 2: the subscriber's PKCS#8 key under the session key, into a session private key. */
  @ParameterizedTest
  @EnumSource(PrivateKeyWrapping.class)
  void unwrap_pkcs8RsaKeyUnderTheSessionKeyHasTheRequestsPublicKey(PrivateKeyWrapping wrapping) throws Exception {
    byte[] sessionKey = token.generateRandom(16);
    KeyHandle onToken = unwrapTransportedSessionKey(token, rsa, sessionKey);
    try {
      byte[] iv = token.generateRandom(16);
      WrapMechanism mechanism = wrapping == PrivateKeyWrapping.AES_KWP ? new WrapMechanism.AesKeyWrapPad()
          : new WrapMechanism.AesCbcPad(iv);
      byte[] wrapped = wrapping == PrivateKeyWrapping.AES_KWP
          ? softwareKwp(sessionKey, subscriberRsa().getPrivate())
          : softwareCbcPad(sessionKey, iv, subscriberRsa().getPrivate().getEncoded());
      KeyHandle archived;
      try {
        archived = token.unwrapKey(onToken, mechanism, wrapped, ObjectClass.PRIVATE_KEY, KeyType.RSA,
            KeyAttributes.session(KeyUsage.DECRYPT, KeyUsage.UNWRAP));
      } catch (HsmException e) {
        // SoftHSM 2.6.1's C_UnwrapKey has no CKM_AES_CBC_PAD (2.7.0 adds it): a refusal that names it.
        assertEquals(PrivateKeyWrapping.AES_CBC_PAD, wrapping, e.getMessage());
        assertEquals(Reason.MECHANISM_UNSUPPORTED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("cannot unwrap with CKM_AES_CBC_PAD"), e.getMessage());
        return;
      }
      try {
        assertSessionKeyThatStaysInTheToken(token, archived);
        assertEquals(subscriberRsa().getPublic(), token.publicKey(archived),
            "the archived key is the one the request certifies");
        Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        c.init(Cipher.ENCRYPT_MODE, subscriberRsa().getPublic());
        assertArrayEquals(new byte[] {1, 2, 3}, token.decrypt(archived, RsaPadding.pkcs1v15(),
            c.doFinal(new byte[] {1, 2, 3})));
      } finally {
        token.destroy(archived);
      }
    } finally {
      token.destroy(onToken);
    }
  }

  /**
   * An EC private key object has no CKA_EC_POINT, so its public key cannot be read back; what shows it is the
   * request's key is a signature that the request's public key verifies.
   */
  @Test
  void unwrap_pkcs8EcKeyUnderTheSessionKeySignsForTheRequestsPublicKey() throws Exception {
    byte[] sessionKey = token.generateRandom(16);
    KeyHandle onToken = unwrapTransportedSessionKey(token, rsa, sessionKey);
    try {
      KeyHandle archived = token.unwrapKey(onToken, new WrapMechanism.AesKeyWrapPad(),
          softwareKwp(sessionKey, subscriberEc().getPrivate()), ObjectClass.PRIVATE_KEY, KeyType.EC,
          KeyAttributes.session(KeyUsage.SIGN));
      try {
        assertSessionKeyThatStaysInTheToken(token, archived);
        assertEquals(256, archived.sizeBits());
        byte[] nonce = token.generateRandom(32);
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(subscriberEc().getPublic());
        v.update(nonce);
        assertTrue(v.verify(token.sign(archived, SignatureAlgorithm.ECDSA_SHA256, nonce)));
        HsmException noPoint = assertThrows(HsmException.class, () -> token.publicKey(archived));
        assertEquals(Reason.KEY_NOT_FOUND, noPoint.reason());
        assertTrue(noPoint.getMessage().contains("CKA_EC_POINT"), noPoint.getMessage());
      } finally {
        token.destroy(archived);
      }
    } finally {
      token.destroy(onToken);
    }
  }

  /** Archival step 3: the one transient extractable copy, wrapped for storage, then back as a fixed key. */
  @Test
  void unwrap_extractableCopyWrapsForStorageAndUnwrapsBackToTheSameKey() throws Exception {
    byte[] sessionKey = token.generateRandom(16);
    KeyHandle onToken = unwrapTransportedSessionKey(token, rsa, sessionKey);
    KeyHandle transient_ = token.unwrapKey(onToken, new WrapMechanism.AesKeyWrapPad(),
        softwareKwp(sessionKey, subscriberRsa().getPrivate()), ObjectClass.PRIVATE_KEY, KeyType.RSA,
        KeyAttributes.session(KeyUsage.DECRYPT, KeyUsage.UNWRAP).allowWrappingOutOfToken());
    token.destroy(onToken);
    TokenObject row = token.describe(transient_);
    assertEquals(Optional.of(true), row.extractable());
    assertEquals(Optional.of(true), row.sensitive());
    HsmException notExtractable = assertThrows(HsmException.class, () -> {
      KeyHandle fixed = token.unwrapKey(storageKey, new WrapMechanism.AesKeyWrapPad(),
          token.wrapKeyForStorage(storageKey, transient_).bytes(), ObjectClass.PRIVATE_KEY, KeyType.RSA,
          KeyAttributes.session(KeyUsage.DECRYPT));
      try {
        token.wrapKeyForStorage(storageKey, fixed);
      } finally {
        token.destroy(fixed);
      }
    });
    assertEquals(Reason.INVALID_INPUT, notExtractable.reason(), "a key unwrapped without the dangerous name stays");

    WrappedKey stored = token.wrapKeyForStorage(storageKey, transient_);
    token.destroy(transient_);
    KeyHandle back = token.unwrapKey(storageKey, stored.mechanism(), stored.bytes(), ObjectClass.PRIVATE_KEY,
        KeyType.RSA, KeyAttributes.session(KeyUsage.DECRYPT, KeyUsage.UNWRAP));
    try {
      assertSessionKeyThatStaysInTheToken(token, back);
      assertEquals(subscriberRsa().getPublic(), token.publicKey(back));
    } finally {
      token.destroy(back);
    }
  }

  /** What the token wraps for storage must unwrap on another token: the bytes are checked as RFC 5649 in software. */
  @Test
  void wrap_privateKeyWithRfc5649IsStandardKeyWrapWithPadding() throws Exception {
    byte[] kek = token.generateRandom(32);
    Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    c.init(Cipher.ENCRYPT_MODE, token.publicKey(rsa));
    KeyHandle knownKek = token.unwrapKey(rsa, new WrapMechanism.Rsa(RsaPadding.pkcs1v15()), c.doFinal(kek),
        ObjectClass.SECRET_KEY, KeyType.AES, KeyAttributes.session(KeyUsage.WRAP, KeyUsage.UNWRAP));
    KeyHandle extractable = token.unwrapKey(knownKek, new WrapMechanism.AesKeyWrapPad(),
        softwareKwp(kek, subscriberRsa().getPrivate()), ObjectClass.PRIVATE_KEY, KeyType.RSA,
        KeyAttributes.session(KeyUsage.DECRYPT).allowWrappingOutOfToken());
    try {
      byte[] wrapped = token.wrapKey(knownKek, new WrapMechanism.AesKeyWrapPad(), extractable);
      RFC5649WrapEngine kwp = new RFC5649WrapEngine(AESEngine.newInstance());
      kwp.init(false, new KeyParameter(kek));
      byte[] unwrapped = kwp.unwrap(wrapped, 0, wrapped.length);
      byte[] pkcs8 = subscriberRsa().getPrivate().getEncoded();
      if (((Pkcs11Token) token).quirksForTests().kwpWrapZeroPadsKeyData() && pkcs8.length % 8 != 0) {
        // SoftHSM 2.6.1 zero-fills the key to a multiple of 8 bytes before RFC 5649, so the length covers the zeros.
        assertEquals(pkcs8.length + 8 - pkcs8.length % 8, unwrapped.length);
        assertArrayEquals(pkcs8, java.util.Arrays.copyOf(unwrapped, pkcs8.length));
        assertTrue(java.util.stream.IntStream.range(pkcs8.length, unwrapped.length).allMatch(i -> unwrapped[i] == 0));
      } else {
        assertArrayEquals(pkcs8, unwrapped);
      }
    } finally {
      token.destroy(extractable);
      token.destroy(knownKek);
    }
  }

  /** The whole archival run on a token of its own, so that its listing shows only what this run made. */
  @Test
  void archival_destroyingEverySessionObjectLeavesNoneOnTheToken() throws Exception {
    SoftHsm.TestToken own = SoftHsm.createToken("kra-" + backend());
    try (Token kra = Pkcs11Library.open(own.config(backend()))) {
      KeyHandle transport = kra.generateKeyPair(new KeyPairSpec.Rsa(2048),
          KeyAttributes.persistent("kra-transport", KeyUsage.DECRYPT, KeyUsage.UNWRAP));
      KeyHandle storage = kra.generateAesKey(256, KeyAttributes.persistent("kra-storage", KeyUsage.WRAP,
          KeyUsage.UNWRAP));
      List<TokenObject> before = kra.listObjects();
      assertTrue(before.stream().allMatch(TokenObject::persistent), before.toString());

      byte[] sessionKeyBytes = kra.generateRandom(16);
      KeyHandle request = kra.importPublicKey(subscriberRsa().getPublic(), KeyAttributes.session(KeyUsage.ENCRYPT));
      KeyHandle sessionKey = unwrapTransportedSessionKey(kra, transport, sessionKeyBytes);
      KeyHandle extractable = kra.unwrapKey(sessionKey, new WrapMechanism.AesKeyWrapPad(),
          softwareKwp(sessionKeyBytes, subscriberRsa().getPrivate()), ObjectClass.PRIVATE_KEY, KeyType.RSA,
          KeyAttributes.session(KeyUsage.DECRYPT, KeyUsage.UNWRAP).allowWrappingOutOfToken());
      WrappedKey stored = kra.wrapKeyForStorage(storage, extractable);
      KeyHandle check = kra.unwrapKey(storage, stored.mechanism(), stored.bytes(), ObjectClass.PRIVATE_KEY,
          KeyType.RSA, KeyAttributes.session(KeyUsage.DECRYPT));
      assertEquals(kra.publicKey(request), kra.publicKey(check));
      assertEquals(4, kra.listObjects().stream().filter(o -> !o.persistent()).count());

      for (KeyHandle h : List.of(check, extractable, sessionKey, request)) {
        kra.destroy(h);
      }
      List<TokenObject> after = kra.listObjects();
      assertTrue(after.stream().allMatch(TokenObject::persistent), "session objects left: " + after);
      assertEquals(before.size(), after.size());
    }
  }

  /** A subscriber's bad ciphertext must not cost the session objects of runs in flight. */
  @Test
  void sessionObjects_surviveRefusedInputOnTheirSession() throws Exception {
    try (Token t = Pkcs11Library.open(testToken.config(backend()).withPoolSize(1))) {
      KeyHandle transport = t.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("rsa"));
      byte[] sessionKeyBytes = t.generateRandom(16);
      KeyHandle sessionKey = unwrapTransportedSessionKey(t, transport, sessionKeyBytes);
      byte[] garbage = new byte[256];
      garbage[0] = 0x7f;
      garbage[255] = 1;
      assertEquals(Reason.INVALID_INPUT, assertThrows(HsmException.class,
          () -> t.decrypt(transport, RsaPadding.pkcs1v15(), garbage)).reason());
      byte[] corrupt = softwareKwp(sessionKeyBytes, subscriberRsa().getPrivate());
      corrupt[corrupt.length / 2] ^= 1;
      HsmException integrity = assertThrows(HsmException.class, () -> t.unwrapKey(sessionKey,
          new WrapMechanism.AesKeyWrapPad(), corrupt, ObjectClass.PRIVATE_KEY, KeyType.RSA,
          KeyAttributes.session(KeyUsage.DECRYPT)));
      assertEquals(Reason.INVALID_INPUT, integrity.reason(), integrity.getMessage());
      KeyHandle rsaPublic = t.requireKey(ObjectClass.PUBLIC_KEY, KeySelector.label("rsa"));
      assertEquals(Reason.INVALID_INPUT, assertThrows(HsmException.class,
          () -> t.encrypt(rsaPublic, RsaPadding.pkcs1v15(), new byte[246])).reason());
      byte[] iv = new byte[16];
      byte[] block = new byte[16];
      Cipher soft = Cipher.getInstance("AES/CBC/NoPadding");
      soft.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKeyBytes, "AES"),
          new javax.crypto.spec.IvParameterSpec(iv));
      assertArrayEquals(block, t.decrypt(sessionKey, new SymmetricCipher.AesCbc(iv), soft.doFinal(block)),
          "the session key outlived the refusals");
      t.destroy(sessionKey);
    }
  }

  @Test
  void sessionObject_goneWithItsSessionIsKeyNotFoundSayingToStartOver() {
    try (Token t = Pkcs11Library.open(testToken.config(backend()).withPoolSize(1))) {
      KeyHandle key = t.generateAesKey(128, KeyAttributes.session(KeyUsage.ENCRYPT));
      long session;
      try (SessionPool.Lease lease = ((Pkcs11Token) t).poolForTests().lease()) {
        session = lease.session();
      }
      // Closing the session that created it destroys the session object (PKCS#11 v2.40 base 5.6).
      NativeLibrary.closeSession(backend(), session);
      HsmException e = assertThrows(HsmException.class,
          () -> t.encrypt(key, new SymmetricCipher.AesCbc(new byte[16]), new byte[16]));
      assertEquals(Reason.KEY_NOT_FOUND, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("repeat the whole operation"), e.getMessage());
    }
  }

  // ---------------------------------------------------------------- objects

  private TokenObject attributesOf(KeyHandle key) {
    TokenObject row = token.describe(key);
    assertTrue(token.listObjects().contains(row) || !key.persistent(), "listing shows " + row);
    return row;
  }

  @Test
  void generatedKeys_areSensitiveAndNotExtractable() {
    for (KeyHandle k : List.of(rsa, p256, p384, storageKey)) {
      TokenObject row = attributesOf(k);
      assertEquals(Optional.of(true), row.sensitive(), k.toString());
      assertEquals(Optional.of(false), row.extractable(), k.toString());
      assertEquals(Optional.of(true), row.isPrivate(), k.toString());
      assertTrue(row.persistent(), k.toString());
    }
    assertEquals(2048, rsa.sizeBits());
    assertEquals(256, p256.sizeBits());
    assertEquals(384, p384.sizeBits());
  }

  @Test
  void generateKeyPair_withoutIdTakesTheKeyIdentifier() {
    KeyHandle k = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
        new KeyAttributes(Optional.of("derived-id"), Optional.empty(), Set.of(KeyUsage.SIGN), true, false));
    byte[] expected = HashAlgorithm.SHA1.digest(
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(token.publicKey(k).getEncoded())
            .getPublicKeyData().getBytes());
    assertArrayEquals(expected, k.id().orElseThrow().bytes());
    KeyHandle pub = token.requireKey(ObjectClass.PUBLIC_KEY, KeySelector.id(k.id().get()));
    assertEquals(token.publicKey(k), token.publicKey(pub));
    token.destroy(pub);
    token.destroy(k);
  }

  @Test
  void findKey_byLabelIdOrBoth() {
    assertEquals(rsa.nativeHandle(), token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("rsa"))
        .nativeHandle());
    assertEquals(p256.nativeHandle(), token.requireKey(ObjectClass.PRIVATE_KEY,
        KeySelector.id(ObjectId.parseHex("02"))).nativeHandle());
    assertTrue(token.findKey(ObjectClass.PRIVATE_KEY, KeySelector.of("rsa", ObjectId.parseHex("02"))).isEmpty());
  }

  @Test
  void requireKey_missingLabelIsKeyNotFoundNamingIt() {
    HsmException e = assertThrows(HsmException.class,
        () -> token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("no-such-key")));
    assertEquals(Reason.KEY_NOT_FOUND, e.reason());
    assertTrue(e.getMessage().contains("no-such-key"), e.getMessage());
  }

  @Test
  void generate_duplicateLabelIsRefused() {
    HsmException e = assertThrows(HsmException.class, () -> token.generateKeyPair(new KeyPairSpec.Rsa(2048),
        KeyAttributes.persistent("rsa", ObjectId.parseHex("99"), KeyUsage.SIGN)));
    assertEquals(Reason.OBJECT_EXISTS, e.reason());
  }

  @Test
  void importCertificateAndPublicKey_thenFindThem() throws Exception {
    X509Certificate cert = selfSigned(p384, SignatureAlgorithm.ECDSA_SHA384, "CN=imported");
    token.importCertificate("p384-cert", ObjectId.parseHex("03"), cert);
    assertEquals(cert, token.findCertificate(KeySelector.label("p384-cert")).orElseThrow());

    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    PublicKey external = g.generateKeyPair().getPublic();
    KeyHandle imported = token.importPublicKey("external-ec", ObjectId.parseHex("0e"), external);
    assertEquals(external, token.publicKey(imported));
    KeyPairGenerator rg = KeyPairGenerator.getInstance("RSA");
    rg.initialize(2048);
    PublicKey externalRsa = rg.generateKeyPair().getPublic();
    assertEquals(externalRsa, token.publicKey(token.importPublicKey("external-rsa", ObjectId.parseHex("0f"),
        externalRsa)));
    token.destroy(imported);
    assertTrue(token.findKey(ObjectClass.PUBLIC_KEY, KeySelector.label("external-ec")).isEmpty());
  }

  @Test
  void publicKey_ofEcPrivateKeyComesFromItsPublicHalf() {
    PublicKey pk = token.publicKey(p256);
    KeyHandle pub = token.requireKey(ObjectClass.PUBLIC_KEY, KeySelector.label("p256"));
    assertEquals(pk, token.publicKey(pub));
  }

  // ---------------------------------------------------------------- sessions

  @Test
  void concurrentSigning_onASmallPoolAllVerify() throws Exception {
    try (Token small = Pkcs11Library.open(testToken.config(backend()).withPoolSize(2))) {
      KeyHandle key = small.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("p256"));
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Boolean>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
          byte[] data = ("message " + i).getBytes(StandardCharsets.UTF_8);
          results.add(pool.submit(() -> {
            byte[] sig = small.sign(key, SignatureAlgorithm.ECDSA_SHA256, data);
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(small.publicKey(key));
            v.update(data);
            return v.verify(sig);
          }));
        }
        for (Future<Boolean> f : results) {
          assertTrue(f.get(60, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void sessionPool_checkoutTimesOutWhenAllSessionsAreBusy() {
    try (Token one = Pkcs11Library.open(testToken.config(backend()).withPoolSize(1)
        .withCheckoutTimeout(java.time.Duration.ofMillis(200)))) {
      SessionPool pool = ((Pkcs11Token) one).poolForTests();
      try (SessionPool.Lease held = pool.lease()) {
        assertTrue(held.session() != 0);
        HsmException e = assertThrows(HsmException.class, () -> one.generateRandom(4));
        assertEquals(Reason.SESSION_POOL_TIMEOUT, e.reason());
      }
      assertEquals(4, one.generateRandom(4).length);
    }
  }

  @Test
  void recovery_sessionClosedBehindThePoolIsReopened() {
    try (Token t = Pkcs11Library.open(testToken.config(backend()).withPoolSize(1))) {
      KeyHandle key = t.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("rsa"));
      Pkcs11Token p = (Pkcs11Token) t;
      long session;
      try (SessionPool.Lease lease = p.poolForTests().lease()) {
        session = lease.session();
      }
      NativeLibrary.closeSession(backend(), session);
      byte[] sig = t.sign(key, SignatureAlgorithm.RSA_PKCS1_SHA256, new byte[] {7});
      assertEquals(256, sig.length);
    }
  }

  @Test
  void recovery_logoutBehindThePoolLogsInAgain() {
    try (Token t = Pkcs11Library.open(testToken.config(backend()).withPoolSize(1))) {
      KeyHandle key = t.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("p256"));
      Pkcs11Token p = (Pkcs11Token) t;
      try (SessionPool.Lease lease = p.poolForTests().lease()) {
        // C_Logout is per application: every session of the token falls back to public.
        p.bindingForTests().logout(lease.session());
      }
      assertTrue(t.sign(key, SignatureAlgorithm.ECDSA_SHA256, new byte[] {7}).length > 0);
    }
  }

  // ---------------------------------------------------------------- errors naming the problem

  @Test
  void open_wrongPinIsPinIncorrect() {
    // PKCS#11 login is per process and token: a token this process is already logged into accepts any C_Login
    // with CKR_USER_ALREADY_LOGGED_IN. So the check needs a token nobody here has opened.
    SoftHsm.TestToken fresh = SoftHsm.createToken("wrongpin-" + backend());
    var cfg = fresh.config(backend());
    var wrong = new org.p11ca.hsm.TokenConfig(cfg.library(), cfg.slot(), PinSource.ofValue("wrong-pin".toCharArray()),
        backend(), 1, cfg.sessionCheckoutTimeout(), Set.of());
    HsmException e = assertThrows(HsmException.class, () -> Pkcs11Library.open(wrong));
    assertEquals(Reason.PIN_INCORRECT, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(fresh.label()), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-pin"), "the PIN must not appear in the message");
  }

  @Test
  void open_missingLibraryUnknownSlotAndUnknownLabel() {
    HsmException lib = assertThrows(HsmException.class, () -> Pkcs11Library.load(
        java.nio.file.Path.of("/nonexistent/libpkcs11.so"), backend()));
    assertEquals(Reason.LIBRARY_NOT_FOUND, lib.reason());
    var cfg = testToken.config(backend());
    HsmException slot = assertThrows(HsmException.class, () -> Pkcs11Library.open(
        new org.p11ca.hsm.TokenConfig(cfg.library(), org.p11ca.hsm.SlotSelector.id(987654321L), cfg.userPin(),
            backend(), 1, cfg.sessionCheckoutTimeout(), Set.of())));
    assertEquals(Reason.SLOT_NOT_FOUND, slot.reason());
    HsmException label = assertThrows(HsmException.class, () -> Pkcs11Library.open(
        new org.p11ca.hsm.TokenConfig(cfg.library(), org.p11ca.hsm.SlotSelector.tokenLabel("no such token"),
            cfg.userPin(), backend(), 1, cfg.sessionCheckoutTimeout(), Set.of())));
    assertEquals(Reason.TOKEN_NOT_FOUND, label.reason());
    assertTrue(label.getMessage().contains("no such token"));
  }

  // ---------------------------------------------------------------- backend-specific capabilities

  @Test
  void jcaKeyStore_exposesKeysWithCertificatesForTls() throws Exception {
    if (!supports(Capability.JCA_KEYSTORE)) {
      assertUnsupported(Capability.JCA_KEYSTORE, token::jcaKeyStore);
      return;
    }
    KeyHandle tls = token.generateKeyPair(new KeyPairSpec.Ec(EcCurve.P256),
        KeyAttributes.persistent("tls", ObjectId.parseHex("7150"), KeyUsage.SIGN));
    token.importCertificate("tls", ObjectId.parseHex("7150"),
        selfSigned(tls, SignatureAlgorithm.ECDSA_SHA256, "CN=localhost"));
    KeyStore ks = token.jcaKeyStore();
    List<String> aliases = Collections.list(ks.aliases());
    assertTrue(aliases.contains("tls"), aliases.toString());
    PrivateKey pk = (PrivateKey) ks.getKey("tls", null);
    Signature s = Signature.getInstance("SHA256withECDSA", ks.getProvider());
    s.initSign(pk);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(token.publicKey(tls));
    v.update(new byte[] {1, 2, 3});
    assertTrue(v.verify(sig));
  }

  @Test
  void changeUserPin_thenOpenWithNewPin() {
    SoftHsm.TestToken own = SoftHsm.createToken("pin-" + backend());
    char[] newPin = SoftHsm.randomPin();
    try (Token t = Pkcs11Library.open(own.config(backend()))) {
      if (!supports(Capability.CHANGE_PIN)) {
        assertUnsupported(Capability.CHANGE_PIN,
            () -> t.changeUserPin(PinSource.ofValue(own.userPin()), PinSource.ofValue(newPin)));
        return;
      }
      t.changeUserPin(PinSource.ofValue(own.userPin()), PinSource.ofValue(newPin));
    }
    var cfg = own.config(backend());
    try (Token t = Pkcs11Library.open(new org.p11ca.hsm.TokenConfig(cfg.library(), cfg.slot(),
        PinSource.ofValue(newPin), backend(), 1, cfg.sessionCheckoutTimeout(), Set.of()))) {
      assertEquals(own.label(), t.info().label());
    }
  }
}
