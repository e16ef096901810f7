package org.p11ca.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.HashAlgorithm;

/** One root certificate per backend and key type, issued once and checked by BC, the JDK and openssl. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfSignedCaCommandTest {

  static final List<String> KEY_TYPES = List.of("rsa2048", "ec-p256", "ec-p384");
  static final String SUBJECT = "CN=p11ca Test Root,O=p11ca";

  Path dir;
  CliToken token;
  final Map<String, Path> pemFiles = new HashMap<>();
  final Map<String, String> keyIds = new HashMap<>();

  @BeforeAll
  void issueCertificates(@TempDir Path dir) {
    this.dir = dir;
    token = CliToken.create(dir, "selfsigned");
    for (Backend backend : Backend.values()) {
      for (String type : KEY_TYPES) {
        String label = label(backend, type);
        String generated = token.run(backend, "generate-key", "--label", label, "--type", type, "--purpose", "ca")
            .requireSuccess().out();
        keyIds.put(label, generated.strip().replaceAll(".* ", ""));
        Path pem = dir.resolve(label + ".pem");
        token.run(backend, "self-signed-ca", "--key", label, "--subject", SUBJECT, "--out", pem.toString())
            .requireSuccess();
        pemFiles.put(label, pem);
      }
    }
  }

  static String label(Backend backend, String type) {
    return "ca-" + type + "-" + backend.name().toLowerCase(Locale.ROOT);
  }

  Stream<Arguments> certificates() {
    return Stream.of(Backend.values()).flatMap(b -> KEY_TYPES.stream().map(t -> Arguments.of(b, t)));
  }

  X509CertificateHolder holder(Backend backend, String type) throws Exception {
    return new X509CertificateHolder(jdk(backend, type).getEncoded());
  }

  X509Certificate jdk(Backend backend, String type) {
    try (var in = Files.newInputStream(pemFiles.get(label(backend, type)))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (Exception e) {
      throw new AssertionError("cannot parse " + label(backend, type), e);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("certificates")
  void selfSignedCa_basicConstraintsCaIsCritical(Backend backend, String type) throws Exception {
    X509CertificateHolder cert = holder(backend, type);
    Extension ext = cert.getExtension(Extension.basicConstraints);
    assertNotNull(ext);
    assertTrue(ext.isCritical());
    assertTrue(BasicConstraints.getInstance(ext.getParsedValue()).isCA());
    assertEquals(3, cert.getVersionNumber());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("certificates")
  void selfSignedCa_keyUsageIsCertSignAndCrlSignCritical(Backend backend, String type) throws Exception {
    Extension ext = holder(backend, type).getExtension(Extension.keyUsage);
    assertNotNull(ext);
    assertTrue(ext.isCritical());
    assertEquals(new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign),
        KeyUsage.getInstance(ext.getParsedValue()));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("certificates")
  void selfSignedCa_akiKeyIdentifierEqualsSkiWhichIsMethodOneAndTheKeysId(Backend backend, String type)
      throws Exception {
    X509CertificateHolder cert = holder(backend, type);
    byte[] ski = SubjectKeyIdentifier.fromExtensions(cert.getExtensions()).getKeyIdentifier();
    AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.fromExtensions(cert.getExtensions());
    assertArrayEquals(ski, aki.getKeyIdentifierObject().getOctets());
    assertArrayEquals(HashAlgorithm.SHA1.digest(cert.getSubjectPublicKeyInfo().getPublicKeyData().getBytes()), ski);
    assertEquals(keyIds.get(label(backend, type)), HexFormat.of().formatHex(ski));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("certificates")
  void selfSignedCa_signatureVerifiesWithItsOwnKey(Backend backend, String type) throws Exception {
    X509CertificateHolder cert = holder(backend, type);
    assertTrue(bcVerifies(cert));
    X509Certificate jdk = jdk(backend, type);
    jdk.verify(jdk.getPublicKey());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("certificates")
  void selfSignedCa_defaultSignatureAlgorithmFollowsTheKey(Backend backend, String type) {
    String expected = switch (type) {
      case "rsa2048" -> "SHA256withRSA";
      case "ec-p256" -> "SHA256withECDSA";
      default -> "SHA384withECDSA";
    };
    assertEquals(expected, jdk(backend, type).getSigAlgName());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("certificates")
  void selfSignedCa_serialIsPositiveWithAtLeast64RandomBits(Backend backend, String type) {
    BigInteger serial = jdk(backend, type).getSerialNumber();
    assertEquals(1, serial.signum());
    assertTrue(serial.bitLength() > 64 && serial.bitLength() <= 127, serial.toString(16));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("certificates")
  void selfSignedCa_subjectIsIssuerInRfc4514Order(Backend backend, String type) {
    X509Certificate cert = jdk(backend, type);
    assertEquals(SUBJECT, cert.getSubjectX500Principal().getName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("certificates")
  void selfSignedCa_opensslVerifiesIt(Backend backend, String type) throws Exception {
    String pem = pemFiles.get(label(backend, type)).toString();
    String verify = openssl("verify", "-CAfile", pem, pem);
    assertTrue(verify.strip().endsWith(": OK"), verify);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("certificates")
  void selfSignedCa_opensslShowsCaExtensions(Backend backend, String type) throws Exception {
    String text = openssl("x509", "-in", pemFiles.get(label(backend, type)).toString(), "-noout", "-text");
    assertTrue(Pattern.compile("X509v3 Basic Constraints: critical\\s+CA:TRUE").matcher(text).find(), text);
    assertTrue(Pattern.compile("X509v3 Key Usage: critical\\s+Digital Signature, Certificate Sign, CRL Sign\\R")
        .matcher(text).find(),
        text);
    Matcher ski = Pattern.compile("X509v3 Subject Key Identifier:\\s+([0-9A-F:]+)").matcher(text);
    Matcher aki = Pattern.compile("X509v3 Authority Key Identifier:\\s+(?:keyid:)?([0-9A-F:]+)").matcher(text);
    assertTrue(ski.find() && aki.find(), text);
    assertEquals(ski.group(1), aki.group(1));
    assertTrue(text.contains("Version: 3"), text);
  }

  @Test
  void selfSignedCa_validityFollowsDaysWithClockSkew() {
    String label = "ca-days";
    token.run("generate-key", "--label", label, "--type", "ec-p256", "--purpose", "ca").requireSuccess();
    Instant before = Instant.now();
    String pem = token.run("self-signed-ca", "--key", label, "--subject", "CN=Short", "--days", "30")
        .requireSuccess().out();
    X509Certificate cert = parse(pem);
    Instant notBefore = cert.getNotBefore().toInstant();
    Instant notAfter = cert.getNotAfter().toInstant();
    assertTrue(!notBefore.isAfter(before) && notBefore.isAfter(before.minus(Duration.ofMinutes(6))), notBefore
        .toString());
    assertEquals(Duration.ofDays(30).plus(RootCertificateIssuer.CLOCK_SKEW), Duration.between(notBefore, notAfter));
  }

  @Test
  void selfSignedCa_pssSignatureVerifies() throws Exception {
    token.run("generate-key", "--label", "ca-pss", "--type", "rsa3072", "--purpose", "ca").requireSuccess();
    Path pem = dir.resolve("pss.pem");
    token.run("self-signed-ca", "--key", "ca-pss", "--subject", "CN=PSS Root", "--signature-algorithm",
        "SHA256withRSAandMGF1", "--out", pem.toString()).requireSuccess();
    X509CertificateHolder cert = new X509CertificateHolder(parse(Files.readString(pem)).getEncoded());
    assertEquals("1.2.840.113549.1.1.10", cert.getSignatureAlgorithm().getAlgorithm().getId(), "RSASSA-PSS");
    assertTrue(bcVerifies(cert));
    assertTrue(openssl("verify", "-CAfile", pem.toString(), pem.toString()).strip().endsWith(": OK"));
  }

  @Test
  void selfSignedCa_isStoredOnTheTokenUnderItsCertLabel() {
    String label = label(Backend.IAIK, "rsa2048");
    String exported = token.run("export-cert", "--label", label).requireSuccess().out();
    assertEquals(jdk(Backend.IAIK, "rsa2048"), parse(exported));

    token.run("generate-key", "--label", "ca-labelled", "--type", "ec-p256", "--purpose", "ca").requireSuccess();
    token.run("self-signed-ca", "--key", "ca-labelled", "--subject", "CN=L", "--cert-label", "root-2026")
        .requireSuccess();
    String[] row = token.listRows().stream().filter(r -> r[0].equals("certificate") && r[3].equals("root-2026"))
        .findFirst().orElseThrow();
    String keyId = token.listRows().stream().filter(r -> r[0].equals("private-key") && r[3].equals("ca-labelled"))
        .findFirst().orElseThrow()[4];
    assertEquals(keyId, row[4]);
  }

  @Test
  void selfSignedCa_existingCertificateLabelIsRefusedBeforeSigning() {
    Cli.Result again = token.run("self-signed-ca", "--key", label(Backend.IAIK, "ec-p256"), "--subject", "CN=x");
    Cli.assertOneLineFailure(again, 1, "certificate labelled '" + label(Backend.IAIK, "ec-p256") + "'",
        "already on token");
    assertTrue(again.out().isEmpty(), again.out());
  }

  @Test
  void selfSignedCa_signatureAlgorithmMustFitTheKey() {
    Cli.assertOneLineFailure(token.run("self-signed-ca", "--key", label(Backend.IAIK, "rsa2048"), "--cert-label",
        "other", "--subject", "CN=x", "--signature-algorithm", "SHA256withECDSA"), 2, "SHA256withECDSA",
        "does not fit");
  }

  @Test
  void selfSignedCa_badSubjectIsAUsageError() {
    Cli.assertOneLineFailure(token.run("self-signed-ca", "--key", label(Backend.IAIK, "rsa2048"), "--subject",
        "no equals sign"), 2, "--subject", "not a distinguished name");
  }

  @Test
  void selfSignedCa_writesNothingWhenTheKeyIsMissing() {
    Path out = dir.resolve("nope.pem");
    Cli.assertOneLineFailure(token.run("self-signed-ca", "--key", "nope", "--subject", "CN=x", "--out",
        out.toString()), 1, "no private key with label 'nope'", token.label());
    assertFalse(Files.exists(out));
  }

  static boolean bcVerifies(X509CertificateHolder cert) throws Exception {
    return cert.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(new BouncyCastleProvider())
        .build(cert));
  }

  static X509Certificate parse(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new AssertionError("not a PEM certificate: " + pem, e);
    }
  }

  static String openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), output);
    return output;
  }
}
