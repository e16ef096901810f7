package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.HashAlgorithm;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.RsaPadding;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.SymmetricCipher;
import org.p11ca.hsm.Token;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerateKeyCommandTest {

  CliToken token;

  @BeforeAll
  void createToken(@TempDir Path dir) {
    token = CliToken.create(dir, "genkey");
  }

  /** Every purpose with every type it allows, through both backends. */
  Stream<Arguments> allowedCombinations() {
    List<String> pairs = List.of("rsa2048", "rsa3072", "rsa4096", "ec-p256", "ec-p384");
    Stream<Arguments> combos = Stream.of(
        pairs.stream().flatMap(t -> Stream.of("ca", "audit", "tls", "ocsp", "sign").map(p -> Arguments.of(p, t))),
        Stream.of("rsa2048", "rsa3072", "rsa4096").map(t -> Arguments.of("kra-transport", t)),
        Stream.of("aes128", "aes256").map(t -> Arguments.of("kra-storage", t))).flatMap(s -> s);
    return combos.flatMap(a -> Stream.of(Backend.IAIK, Backend.SUN)
        .map(b -> Arguments.of(b, a.get()[0], a.get()[1])));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("allowedCombinations")
  void generateKey_everyPurposeWithEveryTypeItAllows(Backend backend, String purpose, String type) {
    String label = purpose + "-" + type + "-" + backend.name().toLowerCase(Locale.ROOT);
    Cli.Result result = token.run(backend, "generate-key", "--label", label, "--type", type, "--purpose", purpose)
        .requireSuccess();
    Matcher m = Pattern.compile("generated " + type + " key '" + label + "' with CKA_ID ([0-9a-f]{40})\\R?")
        .matcher(result.out());
    assertTrue(m.matches(), result.out());
    String keyClass = type.startsWith("aes") ? "secret-key" : "private-key";
    String[] row = token.listRows().stream().filter(r -> r[0].equals(keyClass) && r[3].equals(label)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + keyClass + " " + label + " listed"));
    assertEquals(m.group(1), row[4], "CKA_ID");
    assertEquals("token", row[5], "persistent");
    assertEquals("yes", row[7], "sensitive");
    assertEquals("no", row[8], "extractable");
  }

  @Test
  void generateKey_keyPairIdIsTheKeyIdentifierOfItsPublicKey() {
    String out = token.run("generate-key", "--label", "kid", "--type", "ec-p256", "--purpose", "sign")
        .requireSuccess().out();
    try (Token t = token.open()) {
      KeyHandle key = t.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("kid"));
      byte[] bits = SubjectPublicKeyInfo.getInstance(t.publicKey(key).getEncoded()).getPublicKeyData().getBytes();
      assertArrayEquals(HashAlgorithm.SHA1.digest(bits), key.id().orElseThrow().bytes());
      assertTrue(out.strip().endsWith(key.id().orElseThrow().hex()), out);
    }
  }

  @Test
  void generateKey_explicitIdIsUsed() {
    token.run("generate-key", "--label", "with-id", "--id", "0A:0B:0C", "--type", "aes128", "--purpose",
        "kra-storage").requireSuccess();
    assertTrue(token.listRows().stream().anyMatch(r -> r[3].equals("with-id") && r[4].equals("0a0b0c")));
  }

  @Test
  void generateKey_kraStorageRefusesRsa() {
    Cli.assertOneLineFailure(token.run("generate-key", "--label", "x", "--type", "rsa2048", "--purpose",
        "kra-storage"), 2, "kra-storage", "AES", "rsa2048");
  }

  @Test
  void generateKey_kraStorageRefusesEc() {
    Cli.assertOneLineFailure(token.run("generate-key", "--label", "x", "--type", "ec-p256", "--purpose",
        "kra-storage"), 2, "kra-storage", "AES", "ec-p256");
  }

  @Test
  void generateKey_kraTransportRefusesEc() {
    Cli.assertOneLineFailure(token.run("generate-key", "--label", "x", "--type", "ec-p384", "--purpose",
        "kra-transport"), 2, "kra-transport", "RSA", "ec-p384");
  }

  @Test
  void generateKey_kraTransportRefusesAes() {
    Cli.assertOneLineFailure(token.run("generate-key", "--label", "x", "--type", "aes256", "--purpose",
        "kra-transport"), 2, "kra-transport", "RSA", "aes256");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ca", "audit", "tls", "ocsp", "sign"})
  void generateKey_signingPurposesRefuseAes(String purpose) {
    Cli.assertOneLineFailure(token.run("generate-key", "--label", "x", "--type", "aes128", "--purpose", purpose),
        2, purpose, "key pair", "aes128");
  }

  @Test
  void generateKey_unknownTypeIsAUsageError() {
    Cli.assertOneLineFailure(token.run("generate-key", "--label", "x", "--type", "rsa1024", "--purpose", "ca"),
        2, "unknown key type 'rsa1024'", "--help");
  }

  @Test
  void generateKey_unknownPurposeIsAUsageError() {
    Cli.assertOneLineFailure(token.run("generate-key", "--label", "x", "--type", "rsa2048", "--purpose", "email"),
        2, "unknown purpose 'email'");
  }

  @Test
  void generateKey_existingLabelIsRefused() {
    token.run("generate-key", "--label", "twice", "--type", "ec-p256", "--purpose", "tls").requireSuccess();
    Cli.assertOneLineFailure(token.run("generate-key", "--label", "twice", "--type", "ec-p256", "--purpose", "tls"),
        1, "'twice' is already on token");
  }

  @Test
  void generateKey_caKeySignsButCannotDecrypt() throws Exception {
    token.run("generate-key", "--label", "ca-only", "--type", "rsa2048", "--purpose", "ca").requireSuccess();
    try (Token t = token.open()) {
      KeyHandle key = t.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("ca-only"));
      t.sign(key, SignatureAlgorithm.RSA_PKCS1_SHA256, new byte[] {1});
      byte[] ciphertext = oaepEncrypt(t.publicKey(key), new byte[] {1, 2, 3});
      HsmException refused = assertThrows(HsmException.class,
          () -> t.decrypt(key, RsaPadding.oaep(HashAlgorithm.SHA1), ciphertext));
      assertTrue(refused.getMessage().contains("CKR_KEY_FUNCTION_NOT_PERMITTED"), refused.getMessage());
    }
  }

  @Test
  void generateKey_kraTransportKeyDecryptsButCannotSign() throws Exception {
    token.run("generate-key", "--label", "transport", "--type", "rsa2048", "--purpose", "kra-transport")
        .requireSuccess();
    try (Token t = token.open()) {
      KeyHandle key = t.requireKey(ObjectClass.PRIVATE_KEY, KeySelector.label("transport"));
      byte[] secret = "session key".getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(secret, t.decrypt(key, RsaPadding.oaep(HashAlgorithm.SHA1),
          oaepEncrypt(t.publicKey(key), secret)));
      HsmException refused = assertThrows(HsmException.class,
          () -> t.sign(key, SignatureAlgorithm.RSA_PKCS1_SHA256, new byte[] {1}));
      assertTrue(refused.getMessage().contains("CKR_KEY_FUNCTION_NOT_PERMITTED"), refused.getMessage());
    }
  }

  /** OAEP with SHA-1: SoftHSM 2.6 refuses other OAEP hashes (CKR_ARGUMENTS_BAD). */
  private static byte[] oaepEncrypt(PublicKey publicKey, byte[] plaintext) throws Exception {
    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
    oaep.init(Cipher.ENCRYPT_MODE, publicKey, new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
        PSource.PSpecified.DEFAULT));
    return oaep.doFinal(plaintext);
  }

  @Test
  void generateKey_kraStorageKeyEncryptsAndDecrypts() {
    token.run("generate-key", "--label", "storage", "--type", "aes256", "--purpose", "kra-storage")
        .requireSuccess();
    try (Token t = token.open()) {
      KeyHandle key = t.requireKey(ObjectClass.SECRET_KEY, KeySelector.label("storage"));
      SymmetricCipher cbc = new SymmetricCipher.AesCbcPad(t.generateRandom(16));
      byte[] data = "archived key".getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(data, t.decrypt(key, cbc, t.encrypt(key, cbc, data)));
    }
  }
}
