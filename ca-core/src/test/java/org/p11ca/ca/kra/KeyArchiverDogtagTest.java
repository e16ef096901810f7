package org.p11ca.ca.kra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers;
import org.bouncycastle.asn1.crmf.CertReqMessages;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.CertTemplate;
import org.bouncycastle.asn1.crmf.CertTemplateBuilder;
import org.bouncycastle.asn1.crmf.Controls;
import org.bouncycastle.asn1.crmf.EncryptedKey;
import org.bouncycastle.asn1.crmf.EncryptedValue;
import org.bouncycastle.asn1.crmf.PKIArchiveOptions;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenObject;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * Archival of the keys Dogtag's CRMFPopClient -b really sent (shared/fixtures/dogtag/crmf/*archival*), to the
 * fixtures' KRA transport key, on a SoftHSM token: unwrapped, checked against the request, wrapped for storage, and
 * nothing left behind. The transport key is put on the token with pkcs11-tool (OpenSC), as an operator would import
 * an existing KRA key.
 */
class KeyArchiverDogtagTest {

  static final Path FIXTURES = Path.of(System.getProperty("p11ca.fixtures"));

  @TempDir
  static Path dir;
  static Token token;
  static KeyHandle transport;
  static KeyHandle storage;

  @BeforeAll
  static void kraToken() throws Exception {
    SoftHsm.TestToken t = SoftHsm.createToken("kra-archival");
    String pem = Files.readString(FIXTURES.resolve("ca/kra-transport.key.pem"));
    byte[] pkcs8 = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
    Path der = Files.write(dir.resolve("kra-transport.pk8"), pkcs8);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("P11CA_TEST_PIN", new String(t.userPin()));
    ProcessBuilder pb = new ProcessBuilder("pkcs11-tool", "--module", SoftHsm.library().toString(), "--token-label",
        t.label(), "--login", "--pin", "env:P11CA_TEST_PIN", "--write-object", der.toString(), "--type", "privkey",
        "--label", "kra-transport", "--id", "4b5241", "--usage-decrypt").redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    token = Pkcs11Library.open(t.config(Backend.IAIK));
    transport = token.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("kra-transport"));
    storage = token.generateAesKey(256, KeyAttributes.persistent("kra-storage", KeyUsage.WRAP, KeyUsage.UNWRAP));
  }

  @AfterAll
  static void close() {
    token.close();
  }

  static CertReqMsg fixture(String name) throws Exception {
    return CertReqMessages.getInstance(Files.readAllBytes(FIXTURES.resolve("crmf/" + name + ".der")))
        .toCertReqMsgArray()[0];
  }

  static SubjectPublicKeyInfo requestedKey(CertReqMsg msg) {
    return msg.getCertReq().getCertTemplate().getPublicKey();
  }

  private static KeyArchiver pkcs1() {
    return new KeyArchiver(token, transport, storage, new RsaPadding.Pkcs1v15());
  }

  private static void assertNoSessionObjects() {
    List<TokenObject> left = token.listObjects().stream().filter(o -> !o.persistent()).toList();
    assertEquals(List.of(), left, "no session object is left on the token");
  }

  @Test
  void crmfPopClientKeyWrapPad_isArchived_andTheStoredKeyIsTheRequestsKey() throws Exception {
    for (String name : List.of("carol_archival_kwpad_rsa2048", "bob_popnone_archival_rsa2048")) {
      CertReqMsg msg = fixture(name);
      ArchivedKey archived = pkcs1().archive(ArchiveOptions.of(msg).orElseThrow(), requestedKey(msg));
      assertEquals("kra-storage", archived.storageKey());
      // Unwrap the stored form again (a sensitive, non-extractable session key) and compare on the token.
      KeyHandle back = token.unwrapKey(storage, archived.wrapped().mechanism(), archived.wrapped().bytes(),
          ObjectClass.PRIVATE_KEY, KeyType.RSA, KeyAttributes.session(KeyUsage.DECRYPT));
      try {
        assertEquals(requestedKey(msg), SubjectPublicKeyInfo.getInstance(token.publicKey(back).getEncoded()), name);
        TokenObject row = token.describe(back);
        assertEquals(java.util.Optional.of(true), row.sensitive(), row.toString());
        assertEquals(java.util.Optional.of(false), row.extractable(), row.toString());
      } finally {
        token.destroy(back);
      }
    }
    assertNoSessionObjects();
  }

  @Test
  void aKeyThatIsNotTheRequestsKey_isRefused_andNothingIsLeft() throws Exception {
    CertReqMsg carol = fixture("carol_archival_kwpad_rsa2048");
    CaException e = assertThrows(CaException.class, () -> pkcs1().archive(ArchiveOptions.of(carol).orElseThrow(),
        requestedKey(fixture("alice_popnone_rsa2048"))));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
    assertTrue(e.detail().contains("does not match the request's public key"), e.detail());
    assertNoSessionObjects();
  }

  /**
   * PKIArchiveOptions for a software key, as CRMFPopClient builds them: the PKCS#8 key under RFC 5649 with an AES
   * session key that is RSA-encrypted (PKCS#1) to the transport key.
   */
  static ArchiveOptions archiveOptions(KeyPair key) throws Exception {
    KeyGenerator g = KeyGenerator.getInstance("AES");
    g.init(128);
    SecretKey session = g.generateKey();
    Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
    kwp.init(Cipher.WRAP_MODE, session);
    Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    rsa.init(Cipher.ENCRYPT_MODE, token.publicKey(transport));
    EncryptedValue value = new EncryptedValue(null, new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes128_wrap_pad),
        new DERBitString(rsa.doFinal(session.getEncoded())), null, null, new DERBitString(kwp.wrap(key.getPrivate())));
    Controls controls = new Controls(new AttributeTypeAndValue(CRMFObjectIdentifiers.id_regCtrl_pkiArchiveOptions,
        new PKIArchiveOptions(new EncryptedKey(value))));
    CertTemplate template = new CertTemplateBuilder()
        .setPublicKey(SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded())).build();
    return ArchiveOptions.of(new CertReqMsg(new CertRequest(1, template, controls), null, null)).orElseThrow();
  }

  static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** An EC key carries no public point on the token: it is matched by a signature over a nonce, checked in software. */
  @Test
  void ecKey_isArchived_whenItSignsForTheRequestedKey_andRefusedOtherwise() throws Exception {
    KeyPair key = p256();
    SubjectPublicKeyInfo requested = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
    ArchivedKey archived = pkcs1().archive(archiveOptions(key), requested);
    assertEquals(requested, archived.publicKey());
    assertNoSessionObjects();
    SubjectPublicKeyInfo other = SubjectPublicKeyInfo.getInstance(p256().getPublic().getEncoded());
    CaException e = assertThrows(CaException.class, () -> pkcs1().archive(archiveOptions(key), other));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo());
    assertTrue(e.detail().contains("does not match the request's public key"), e.detail());
    assertNoSessionObjects();
  }

  @Test
  void aesCbcWrap_isRefusedWithTheTokensReason_onSoftHsm261() throws Exception {
    CertReqMsg msg = fixture("carol_archival_aescbc_rsa2048");
    CaException e = assertThrows(CaException.class, () -> pkcs1().archive(ArchiveOptions.of(msg).orElseThrow(),
        requestedKey(msg)));
    assertEquals(FailInfo.BAD_ALG, e.failInfo(), e.detail());
    assertTrue(e.detail().contains("cannot do it"), e.detail());
    assertNoSessionObjects();
  }

  @Test
  void oaepSha256Transport_isRefusedWithTheTokensReason_onSoftHsm261() throws Exception {
    CertReqMsg msg = fixture("carol_archival_oaep_rsa2048");
    KeyArchiver oaep = new KeyArchiver(token, transport, storage,
        new RsaPadding.Oaep(org.p11ca.hsm.HashAlgorithm.SHA256, org.p11ca.hsm.HashAlgorithm.SHA256));
    CaException e = assertThrows(CaException.class, () -> oaep.archive(ArchiveOptions.of(msg).orElseThrow(),
        requestedKey(msg)));
    assertEquals(FailInfo.BAD_ALG, e.failInfo(), e.detail());
    assertNoSessionObjects();
  }

  @Test
  void wrongTransportPadding_isABadRequest() throws Exception {
    CertReqMsg msg = fixture("carol_archival_kwpad_rsa2048");
    KeyArchiver oaepSha1 = new KeyArchiver(token, transport, storage,
        new RsaPadding.Oaep(org.p11ca.hsm.HashAlgorithm.SHA1, org.p11ca.hsm.HashAlgorithm.SHA1));
    CaException e = assertThrows(CaException.class, () -> oaepSha1.archive(ArchiveOptions.of(msg).orElseThrow(),
        requestedKey(msg)));
    assertEquals(FailInfo.BAD_REQUEST, e.failInfo(), e.detail());
    assertNoSessionObjects();
  }

  @Test
  void recoveredPkcs12_holdsTheArchivedKey_decryptsForItsCertificate_andOpensslReadsIt() throws Exception {
    CertReqMsg msg = fixture("carol_archival_kwpad_rsa2048");
    ArchivedKey archived = pkcs1().archive(ArchiveOptions.of(msg).orElseThrow(), requestedKey(msg));
    java.security.cert.X509Certificate cert = certificateFor(requestedKey(msg));
    char[] password = "recovery-pass-1".toCharArray();
    byte[] p12 = new ArchivedKeyExport(token, storage).exportAsPasswordProtectedPkcs12(archived, List.of(cert),
        password);
    assertNoSessionObjects();

    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(new java.io.ByteArrayInputStream(p12), password);
    java.security.PrivateKey recovered = (java.security.PrivateKey) store.getKey("recovered", password);
    byte[] secret = token.generateRandom(32);
    javax.crypto.Cipher enc = javax.crypto.Cipher.getInstance("RSA/ECB/PKCS1Padding");
    enc.init(javax.crypto.Cipher.ENCRYPT_MODE, cert.getPublicKey());
    javax.crypto.Cipher dec = javax.crypto.Cipher.getInstance("RSA/ECB/PKCS1Padding");
    dec.init(javax.crypto.Cipher.DECRYPT_MODE, recovered);
    assertTrue(java.util.Arrays.equals(secret, dec.doFinal(enc.doFinal(secret))), "data encrypted to the"
        + " certificate decrypts with the recovered key");

    // openssl, sharing no code with us, opens the PKCS#12 and finds the certificate's key in it.
    Path file = Files.write(dir.resolve("recovered.p12"), p12);
    Map<String, String> env = Map.of("P11CA_P12_PASS", new String(password));
    String key = openssl(env, "pkcs12", "-in", file.toString(), "-nocerts", "-nodes", "-passin", "env:P11CA_P12_PASS");
    Path keyPem = Files.writeString(dir.resolve("recovered.key.pem"), key);
    Path certPem = Files.writeString(dir.resolve("carol.pem"), "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder().encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    assertEquals(openssl(Map.of(), "x509", "-in", certPem.toString(), "-noout", "-modulus"),
        openssl(Map.of(), "rsa", "-in", keyPem.toString(), "-noout", "-modulus"));
  }

  private static String openssl(Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    assertEquals(0, p.waitFor(), err);
    return out;
  }

  /** A certificate for the archived key, from a throw-away software CA (only its public key matters here). */
  private static java.security.cert.X509Certificate certificateFor(SubjectPublicKeyInfo key) throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    java.security.KeyPair ca = g.generateKeyPair();
    org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=Archive Test CA");
    java.time.Instant now = java.time.Instant.now();
    var builder = new org.bouncycastle.cert.X509v3CertificateBuilder(name, java.math.BigInteger.TEN,
        java.util.Date.from(now.minusSeconds(60)), java.util.Date.from(now.plusSeconds(3600)),
        new org.bouncycastle.asn1.x500.X500Name("UID=carol,O=Example"), key);
    return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(builder.build(
        new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(ca.getPrivate())));
  }

  @Test
  void requestWithoutArchiveOptions_hasNone() throws Exception {
    assertTrue(ArchiveOptions.of(fixture("alice_popnone_rsa2048")).isEmpty());
  }
}
