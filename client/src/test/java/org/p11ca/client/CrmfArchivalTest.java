package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CRMFObjectIdentifiers;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.EncryptedKey;
import org.bouncycastle.asn1.crmf.EncryptedValue;
import org.bouncycastle.asn1.crmf.PKIArchiveOptions;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.crmf.CertificateRequestMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.kra.ArchiveOptions;
import org.p11ca.ca.kra.ArchivedKey;
import org.p11ca.ca.kra.KeyArchiver;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenObject;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.hsm.testing.SoftHsm;

/**
 * {@code crmf --transport}: the request key travels as PKIArchiveOptions encrypted to a KRA transport certificate.
 * The test plays the KRA twice: in software, to read every field, and on a SoftHSM token with ca-core's
 * KeyArchiver, to prove the CA's token takes what the client sends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrmfArchivalTest {

  @TempDir
  Path dir;
  Path password;
  KeyPair transportKey;
  Path transportPem;
  Path signingOnlyPem;
  Path ecTransportPem;
  Token kra;
  KeyHandle kraTransport;
  KeyHandle kraStorage;

  @BeforeAll
  void setUp(@TempDir Path shared) throws Exception {
    password = Fixtures.secretFile(shared, "p12.pass", "archival-pass");
    TestPki pki = new TestPki("CN=Archival Test CA,O=Example");
    transportKey = TestPki.rsa();
    transportPem = TestPki.pem(shared.resolve("kra-transport.pem"), pki.issue("CN=KRA Transport,O=Example",
        transportKey.getPublic(), null, KeyUsage.keyEncipherment | KeyUsage.dataEncipherment));
    signingOnlyPem = TestPki.pem(shared.resolve("signing-only.pem"), pki.issue("CN=Not A Transport,O=Example",
        TestPki.rsa().getPublic(), null, KeyUsage.digitalSignature));
    ecTransportPem = TestPki.pem(shared.resolve("ec-transport.pem"), pki.issue("CN=EC Transport,O=Example",
        TestPki.ec().getPublic(), null, KeyUsage.keyEncipherment));
    kraToken(shared);
  }

  /** The transport private key on a SoftHSM token, written with pkcs11-tool as KeyArchiverDogtagTest does. */
  private void kraToken(Path shared) throws Exception {
    SoftHsm.TestToken t = SoftHsm.createToken("kra-client");
    Path der = Files.write(shared.resolve("kra-transport.pk8"), transportKey.getPrivate().getEncoded());
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("P11CA_TEST_PIN", new String(t.userPin()));
    ProcessBuilder pb = new ProcessBuilder("pkcs11-tool", "--module", SoftHsm.library().toString(), "--token-label",
        t.label(), "--login", "--pin", "env:P11CA_TEST_PIN", "--write-object", der.toString(), "--type", "privkey",
        "--label", "kra-transport", "--id", "4b5241", "--usage-decrypt").redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    Files.delete(der);
    kra = Pkcs11Library.open(t.config(Backend.IAIK));
    kraTransport = kra.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("kra-transport"));
    kraStorage = kra.generateAesKey(256, KeyAttributes.persistent("kra-storage", org.p11ca.hsm.KeyUsage.WRAP,
        org.p11ca.hsm.KeyUsage.UNWRAP));
  }

  @AfterAll
  void close() {
    kra.close();
  }

  record Made(CertReqMsg msg, Path p12) {
    CertificateRequestMessage bc() {
      return new CertificateRequestMessage(msg);
    }

    SubjectPublicKeyInfo templateKey() {
      return msg.getCertReq().getCertTemplate().getPublicKey();
    }
  }

  private Made crmf(String name, boolean oaep, String pop) throws Exception {
    Path p12 = dir.resolve(name + ".p12");
    Path out = dir.resolve(name + ".der");
    List<String> args = new ArrayList<>(List.of("crmf", "--new-key", "rsa:2048", "--key-p12", p12.toString(),
        "--password-file", password.toString(), "--subject", "UID=carol,O=Example", "--pop", pop,
        "--transport", transportPem.toString(), "--out", out.toString()));
    if (oaep) {
      args.add("--transport-oaep");
    }
    Cli.Result r = Cli.run(args.toArray(String[]::new)).requireSuccess();
    assertTrue(r.out().contains("KRA transport 'CN=KRA Transport,O=Example'"), r.out());
    return new Made(CrmfCommandTest.read(out).toASN1Structure(), p12);
  }

  static Stream<Arguments> paddingsAndPops() {
    return Stream.of(Arguments.of(false, "signature"), Arguments.of(true, "signature"), Arguments.of(false, "none"),
        Arguments.of(true, "none"));
  }

  @ParameterizedTest(name = "oaep={0} pop={1}")
  @MethodSource("paddingsAndPops")
  void crmf_transport_aSoftwareKraRecoversTheRequestedKey(boolean oaep, String pop) throws Exception {
    Made made = crmf("soft-" + oaep + "-" + pop, oaep, pop);
    EncryptedValue value = encryptedValue(made.msg());
    // As CRMFPopClient -b: symmAlg, encSymmKey and encValue only.
    assertNull(value.getIntendedAlg());
    assertNull(value.getKeyAlg());
    assertNull(value.getValueHint());
    assertEquals(NISTObjectIdentifiers.id_aes128_wrap_pad, value.getSymmAlg().getAlgorithm());
    assertNull(value.getSymmAlg().getParameters(), "RFC 5649: id-aes128-wrap-pad has no parameters");

    byte[] sessionKey = decryptSessionKey(value.getEncSymmKey().getOctets(), oaep);
    assertEquals(16, sessionKey.length, "AES-128 session key");
    Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
    kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(sessionKey, "AES"));
    byte[] pkcs8 = kwp.doFinal(value.getEncValue().getOctets());

    PrivateKey archived = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    RSAPrivateCrtKey crt = (RSAPrivateCrtKey) archived;
    byte[] publicHalf = KeyFactory.getInstance("RSA")
        .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent())).getEncoded();
    assertArrayEquals(made.templateKey().getEncoded(), publicHalf, "the archived key is the requested key");
    assertArrayEquals(keyInP12(made.p12()).getEncoded(), archived.getEncoded(), "and the one kept in the PKCS#12");

    if (pop.equals("signature")) {
      assertEquals(CertificateRequestMessage.popSigningKey, made.bc().getProofOfPossessionType());
      assertTrue(CrmfCommandTest.popVerifies(made.bc()));
      // The POP signs DER(CertRequest) with the control in it: without the control it no longer verifies.
      CertRequest req = made.msg().getCertReq();
      CertReqMsg stripped = new CertReqMsg(new CertRequest(req.getCertReqId(), req.getCertTemplate(), null),
          made.msg().getPop(), null);
      assertFalse(CrmfCommandTest.popVerifies(new CertificateRequestMessage(stripped)));
    } else {
      assertFalse(made.bc().hasProofOfPossession());
    }
  }

  @Test
  void crmf_transportPkcs1_isArchivedByTheKraOnSoftHsm() throws Exception {
    Made made = crmf("hsm-pkcs1", false, "signature");
    ArchivedKey archived = archiver(new RsaPadding.Pkcs1v15())
        .archive(ArchiveOptions.of(made.msg()).orElseThrow(), made.templateKey());
    assertEquals(made.templateKey(), archived.publicKey());
    assertEquals("kra-storage", archived.storageKey());
    assertNoSessionObjects();
  }

  @Test
  void crmf_transportOaepSha1_popNone_isArchivedByTheKraOnSoftHsm() throws Exception {
    // The seed's encryption-only case: no POP, the key archived; RSA-OAEP SHA-1 is what SoftHSM 2.6.1 unwraps.
    Made made = crmf("hsm-oaep", true, "none");
    ArchivedKey archived = archiver(new RsaPadding.Oaep(HashAlgorithm.SHA1, HashAlgorithm.SHA1))
        .archive(ArchiveOptions.of(made.msg()).orElseThrow(), made.templateKey());
    assertEquals(made.templateKey(), archived.publicKey());
    assertNoSessionObjects();
  }

  @Test
  void crmf_transportOaep_isNotReadAsPkcs1ByTheKra() throws Exception {
    // The padding is really the one asked for: a KRA set for PKCS#1 v1.5 cannot read an OAEP session key.
    Made made = crmf("hsm-mismatch", true, "signature");
    assertThrows(CaException.class, () -> archiver(new RsaPadding.Pkcs1v15())
        .archive(ArchiveOptions.of(made.msg()).orElseThrow(), made.templateKey()));
    assertNoSessionObjects();
  }

  @Test
  void crmf_transportWithoutKeyEncipherment_isRefused_andNoKeyIsMade() {
    Path p12 = dir.resolve("refused-ku.p12");
    Cli.assertOneLineFailure(Cli.run("crmf", "--new-key", "rsa:2048", "--key-p12", p12.toString(),
        "--password-file", password.toString(), "--subject", "UID=x", "--transport", signingOnlyPem.toString(),
        "--out", dir.resolve("refused-ku.der").toString()), 1, "keyEncipherment", "CN=Not A Transport");
    assertFalse(Files.exists(p12));
  }

  @Test
  void crmf_nonRsaTransport_isRefused() {
    Cli.assertOneLineFailure(Cli.run("crmf", "--key-p12", Fixtures.path("ca/user-bob.p12"), "--password-file",
        Fixtures.secretFile(dir, "bob.pass", Fixtures.BOB_P12_PASSWORD).toString(), "--subject", "UID=bob",
        "--transport", ecTransportPem.toString(), "--out", dir.resolve("refused-ec.der").toString()), 1,
        "EC key", "needs an RSA transport key");
  }

  @Test
  void crmf_transportWithATokenKey_isRefused_beforeTheTokenIsTouched() {
    TestTokens subscriber = TestTokens.create(dir, "archival-token");
    Cli.assertOneLineFailure(Cli.run(subscriber.command("crmf", "--new-key", "rsa:2048", "--key-label", "enc",
        "--subject", "UID=x", "--transport", transportPem.toString(), "--out", dir.resolve("tok.der").toString())),
        1, "must be exportable to be archived", "PKCS#12");
    try (Token t = subscriber.open(Backend.IAIK)) {
      assertTrue(t.findKey(ObjectClass.PRIVATE_KEY, KeySelector.label("enc")).isEmpty(), "no key was generated");
    }
  }

  @Test
  void crmf_transportOaepWithoutTransport_isAUsageError() {
    Cli.assertOneLineFailure(Cli.run("crmf", "--key-p12", Fixtures.path("ca/user-bob.p12"), "--password-file",
        Fixtures.secretFile(dir, "bob2.pass", Fixtures.BOB_P12_PASSWORD).toString(), "--subject", "UID=bob",
        "--transport-oaep", "--out", dir.resolve("usage.der").toString()), 2, "--transport-oaep needs --transport");
  }

  private KeyArchiver archiver(RsaPadding padding) {
    return new KeyArchiver(kra, kraTransport, kraStorage, padding);
  }

  private void assertNoSessionObjects() {
    List<TokenObject> left = kra.listObjects().stream().filter(o -> !o.persistent()).toList();
    assertEquals(List.of(), left, "no session object is left on the KRA token");
  }

  private static EncryptedValue encryptedValue(CertReqMsg msg) {
    AttributeTypeAndValue[] controls = msg.getCertReq().getControls().toAttributeTypeAndValueArray();
    assertEquals(1, controls.length);
    assertEquals(CRMFObjectIdentifiers.id_regCtrl_pkiArchiveOptions, controls[0].getType());
    PKIArchiveOptions options = PKIArchiveOptions.getInstance(controls[0].getValue());
    assertEquals(PKIArchiveOptions.encryptedPrivKey, options.getType());
    EncryptedKey key = EncryptedKey.getInstance(options.getValue());
    assertTrue(key.isEncryptedValue());
    return EncryptedValue.getInstance(key.getValue());
  }

  private byte[] decryptSessionKey(byte[] encrypted, boolean oaep) throws Exception {
    Cipher rsa;
    if (oaep) {
      rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
      rsa.init(Cipher.DECRYPT_MODE, transportKey.getPrivate(), new OAEPParameterSpec("SHA-1", "MGF1",
          MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
    } else {
      rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      rsa.init(Cipher.DECRYPT_MODE, transportKey.getPrivate());
    }
    return rsa.doFinal(encrypted);
  }

  private PrivateKey keyInP12(Path p12) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    char[] pass = "archival-pass".toCharArray();
    try (var in = Files.newInputStream(p12)) {
      ks.load(in, pass);
    }
    String alias = ks.aliases().nextElement();
    return (PrivateKey) ks.getKey(alias, pass);
  }
}
