package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.crmf.CertificateRequestMessage;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrmfCommandTest {

  @TempDir
  Path dir;
  Path password;
  Path bobPassword;
  TestTokens token;

  @BeforeAll
  void setUp(@TempDir Path shared) {
    password = Fixtures.secretFile(shared, "p12.pass", "request-key-pass");
    bobPassword = Fixtures.secretFile(shared, "bob.pass", Fixtures.BOB_P12_PASSWORD);
    token = TestTokens.create(shared, "crmf");
  }

  /** The one message of the CertReqMessages crmf writes (as CRMFPopClient does). */
  static CertificateRequestMessage read(Path der) throws Exception {
    return decode(Files.readAllBytes(der));
  }

  static CertificateRequestMessage decode(byte[] der) {
    org.bouncycastle.asn1.crmf.CertReqMsg[] msgs =
        org.bouncycastle.asn1.crmf.CertReqMessages.getInstance(der).toCertReqMsgArray();
    assertEquals(1, msgs.length);
    return new CertificateRequestMessage(msgs[0]);
  }

  static boolean popVerifies(CertificateRequestMessage msg) throws Exception {
    return msg.isValidSigningKeyPOP(new JcaContentVerifierProviderBuilder().setProvider(new BouncyCastleProvider())
        .build(msg.getCertTemplate().getPublicKey()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa:2048", "ec:P-256", "ec:P-384"})
  void crmf_newSoftwareKey_signaturePopVerifies(String keyType) throws Exception {
    Path p12 = dir.resolve("key-" + keyType.replace(':', '-') + ".p12");
    Path out = dir.resolve("req-" + keyType.replace(':', '-') + ".der");
    Cli.Result r = Cli.run("crmf", "--new-key", keyType, "--key-p12", p12.toString(), "--password-file",
        password.toString(), "--subject", "UID=bob,O=Example", "--out", out.toString()).requireSuccess();
    assertTrue(r.out().contains("written to " + p12), r.out());
    CertificateRequestMessage msg = read(out);
    assertEquals(CertificateRequestMessage.popSigningKey, msg.getProofOfPossessionType());
    assertTrue(popVerifies(msg));
    assertTrue(Files.isRegularFile(p12));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p12)));
  }

  @Test
  void crmf_keyFromDogtagPkcs12_signaturePopVerifiesWithThatKey() throws Exception {
    Path out = dir.resolve("bob-existing.der");
    Cli.run("crmf", "--key-p12", Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(),
        "--subject", "UID=bob,O=Example", "--out", out.toString()).requireSuccess();
    CertificateRequestMessage msg = read(out);
    assertTrue(popVerifies(msg));
    byte[] bobKey = java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(Files.readAllBytes(Fixtures.file("ca/user-bob.der"))))
        .getPublicKey().getEncoded();
    assertArrayEquals(bobKey, msg.getCertTemplate().getPublicKey().getEncoded());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa:2048", "ec:P-256"})
  void crmf_newTokenKey_signaturePopVerifies_andTheKeyIsReusable(String keyType) throws Exception {
    String label = "req-" + keyType.replace(':', '-');
    Path first = dir.resolve(label + "-1.der");
    Cli.Result r = Cli.run(token.command("crmf", "--new-key", keyType, "--key-label", label,
        "--subject", "UID=carol,O=Example", "--out", first.toString())).requireSuccess();
    assertTrue(r.out().contains("on token '" + token.token().label() + "'"), r.out());
    assertTrue(popVerifies(read(first)));

    Path second = dir.resolve(label + "-2.der");
    Cli.run(token.command("crmf", "--key-label", label, "--subject", "UID=carol,O=Example",
        "--out", second.toString())).requireSuccess();
    assertTrue(popVerifies(read(second)));
    assertEquals(read(first).getCertTemplate().getPublicKey(), read(second).getCertTemplate().getPublicKey());
  }

  @Test
  void crmf_newTokenKey_refusesAnExistingLabel() {
    Cli.run(token.command("crmf", "--new-key", "ec:P-256", "--key-label", "taken",
        "--subject", "UID=x", "--out", dir.resolve("taken.der").toString())).requireSuccess();
    Cli.assertOneLineFailure(Cli.run(token.command("crmf", "--new-key", "ec:P-256", "--key-label",
        "taken", "--subject", "UID=x", "--out", dir.resolve("taken2.der").toString())), 1,
        "already has a key labelled 'taken'");
  }

  @Test
  void crmf_popNone_hasNoProofOfPossession() throws Exception {
    Path out = dir.resolve("popnone.der");
    Cli.run("crmf", "--new-key", "rsa:2048", "--key-p12", dir.resolve("popnone.p12").toString(),
        "--password-file", password.toString(), "--subject", "UID=alice,O=Example", "--pop", "none",
        "--out", out.toString()).requireSuccess();
    CertificateRequestMessage msg = read(out);
    assertFalse(msg.hasProofOfPossession());
  }

  @Test
  void crmf_templateIsShapedAsDogtags() throws Exception {
    Path out = dir.resolve("shape.der");
    Cli.run("crmf", "--key-p12", Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(),
        "--subject", "UID=bob,O=Example", "--out", out.toString()).requireSuccess();
    CertificateRequestMessage msg = read(out);
    assertEquals(1, msg.getCertReqId().getValue().intValueExact(), "certReqId 1 by default");
    assertEquals(2, msg.getCertTemplate().getVersion(), "CertTemplate version [0] = 2");
    X500Name subject = msg.getCertTemplate().getSubject();
    assertEquals(BCStyle.O, subject.getRDNs()[0].getFirst().getType(), "O first in DER, as Dogtag encodes");
    assertEquals(BCStyle.UID, subject.getRDNs()[1].getFirst().getType());
    // POPOSigningKey without poposkInput: [1] { algorithmIdentifier, signature }.
    ASN1TaggedObject pop = ASN1TaggedObject.getInstance(
        ASN1Sequence.getInstance(msg.toASN1Structure().toASN1Primitive()).getObjectAt(1));
    assertEquals(1, pop.getTagNo());
    assertEquals(2, ASN1Sequence.getInstance(pop, false).size());
    assertEquals(new ASN1Integer(1), msg.toASN1Structure().getCertReq().getCertReqId());
    assertEquals(BERTags.SEQUENCE, ASN1Sequence.getInstance(pop, false).getObjectAt(0).toASN1Primitive()
        .getEncoded()[0] & 0x1f);
  }

  @Test
  void crmf_ski_addsAStandardSubjectKeyIdentifierOfTheKey() throws Exception {
    Path out = dir.resolve("ski.der");
    Cli.run("crmf", "--key-p12", Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString(),
        "--subject", "UID=dave,O=Example", "--ski", "--out", out.toString()).requireSuccess();
    CertificateRequestMessage msg = read(out);
    Extension ext = msg.getCertTemplate().getExtensions().getExtension(Extension.subjectKeyIdentifier);
    byte[] expected = MessageDigest.getInstance("SHA-1").digest(
        msg.getCertTemplate().getPublicKey().getPublicKeyData().getBytes());
    assertArrayEquals(expected, SubjectKeyIdentifier.getInstance(ext.getParsedValue()).getKeyIdentifier());
    assertTrue(popVerifies(msg), "the POP covers the template with its extension");
  }

  @Test
  void crmf_pem_isDogtagsBase64Framing() throws Exception {
    Cli.Result r = Cli.run("crmf", "--key-p12", Fixtures.path("ca/user-bob.p12"), "--password-file",
        bobPassword.toString(), "--subject", "UID=bob,O=Example", "--pem").requireSuccess();
    String pem = r.out();
    assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"), pem);
    assertTrue(pem.endsWith("\r\n-----END CERTIFICATE REQUEST-----\n"), pem);
    String firstBodyLine = pem.split("\n")[1];
    assertEquals(77, firstBodyLine.length(), "76 characters and CR");
    byte[] der = java.util.Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    assertTrue(popVerifies(decode(der)));
    // Same framing as CRMFPopClient's own file.
    String dogtag = Files.readString(Fixtures.file("crmf/bob_popsuccess_rsa2048.b64"), StandardCharsets.US_ASCII);
    assertEquals(dogtag.substring(0, 37), pem.substring(0, 37));
  }

  @Test
  void crmf_newKey_neverOverwritesAPkcs12File() throws Exception {
    Path p12 = dir.resolve("existing.p12");
    Files.writeString(p12, "precious");
    Cli.assertOneLineFailure(Cli.run("crmf", "--new-key", "ec:P-256", "--key-p12", p12.toString(),
        "--password-file", password.toString(), "--subject", "UID=x", "--out", dir.resolve("x.der").toString()),
        1, "already exists");
    assertEquals("precious", Files.readString(p12));
  }
}
