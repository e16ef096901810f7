package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1PrintableString;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcRequest;
import org.p11ca.ca.cmc.CmcRequestParser;
import org.p11ca.ca.cmc.Control;
import org.p11ca.ca.cmc.RevocationRequest;
import org.p11ca.ca.cmc.SignatureCheck;
import org.p11ca.ca.cmc.SignerIdentifier;

/**
 * p11ca-cmc revoke: signed and unsigned revokeRequests (RFC 5272 section 6.11) read back with ca-core's parser,
 * Dogtag's CMCRequest revocation cfgs against the requests Dogtag built from them, and the refusals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevokeCommandTest {

  /** revRequest.sharedSecret of cmc/g_revoke_sharedsecret_serial45.cfg (shared/fixtures/dogtag/README.md). */
  static final String DOGTAG_SECRET = "RevokeSecret.45";
  static final String SECRET = "Revoke-Me.Not-Printed.9";
  /** Set by client/pom.xml for the test JVM (SharedSecretControlsTest reads it too). */
  static final String SECRET_VARIABLE = "P11CA_TEST_SHARED_SECRET";
  static final String SECRET_IN_VARIABLE = "Env-Shared-Secret.7";

  @TempDir
  Path dir;
  Path bobPassword;
  Path agentPassword;
  Path secretFile;
  X509Certificate bob;
  X509Certificate agent;
  X509Certificate testCa;

  @BeforeAll
  void setUp(@TempDir Path shared) {
    bobPassword = Fixtures.secretFile(shared, "bob.pass", Fixtures.BOB_P12_PASSWORD);
    agentPassword = Fixtures.secretFile(shared, "agent.pass", Fixtures.AGENT_P12_PASSWORD);
    secretFile = Fixtures.secretFile(shared, "holder.secret", SECRET);
    bob = Pem.readCertificate(Fixtures.file("ca/user-bob.pem"), "bob");
    agent = Pem.readCertificate(Fixtures.file("ca/agent.pem"), "agent");
    testCa = Pem.readCertificate(Fixtures.file("ca/testca.pem"), "ca");
  }

  Path out() {
    return dir.resolve("revoke-" + System.nanoTime() + ".der");
  }

  /** Runs revoke with --out and returns the parsed request; the secret must appear nowhere in the output. */
  CmcRequest revoke(String... args) throws Exception {
    Path out = out();
    List<String> all = new ArrayList<>(List.of("revoke", "--out", out.toString()));
    all.addAll(List.of(args));
    Cli.Result r = Cli.run(all.toArray(String[]::new)).requireSuccess();
    assertNoSecret(r);
    return CmcRequestParser.parse(Files.readAllBytes(out));
  }

  CmcRequest revokeAsBob(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--signer-p12", Fixtures.path("ca/user-bob.p12"), "--password-file",
        bobPassword.toString()));
    all.addAll(List.of(args));
    return revoke(all.toArray(String[]::new));
  }

  static void assertNoSecret(Cli.Result r) {
    for (String secret : List.of(SECRET, DOGTAG_SECRET, SECRET_IN_VARIABLE)) {
      assertFalse(r.out().contains(secret) || r.err().contains(secret), () -> "secret printed: " + r);
    }
  }

  /** The one revokeRequest, in a PKIData with an empty reqSequence, after the senderNonce (bodyPartID 1). */
  static RevocationRequest onlyRevocation(CmcRequest request) {
    assertTrue(request.pkiData().requests().isEmpty(), "reqSequence is empty");
    assertEquals(1, request.pkiData().revokeRequests().size());
    assertEquals(List.of(2), request.pkiData().revokeRequestBodyPartIds());
    return request.pkiData().revokeRequests().get(0);
  }

  /** The issuerName as the request encodes it, string types included. */
  static byte[] encodedIssuer(RevocationRequest revocation) throws Exception {
    return revocation.issuerName().getEncoded();
  }

  // ---- signed ----

  @Test
  void revoke_signedByUser_carriesEveryFieldAndVerifiesWithTheSignerKey() throws Exception {
    Instant invalid = Instant.parse("2026-11-20T08:15:30Z");
    CmcRequest request = revokeAsBob("--serial", "0x2D", "--reason", "keyCompromise", "--invalidity-date",
        invalid.toString(), "--comment", "lost laptop");
    SignatureCheck check = request.signature().orElseThrow().verify(bob.getPublicKey());
    assertTrue(check.isValid(), check::toString);
    assertEquals(new SignerIdentifier.IssuerAndSerial(TestPki.holder(bob).getIssuer(), bob.getSerialNumber()),
        request.signature().orElseThrow().signer());
    RevocationRequest revocation = onlyRevocation(request);
    assertEquals(BigInteger.valueOf(45), revocation.serial());
    assertEquals(1, revocation.reason());
    assertEquals(Optional.of(invalid), revocation.invalidityDate());
    assertEquals(Optional.of("lost laptop"), revocation.comment());
    assertTrue(revocation.passphrase().isEmpty(), "a signed revocation carries no secret");
    assertArrayEquals(TestPki.holder(bob).getIssuer().getEncoded(), encodedIssuer(revocation),
        "default issuerName: the signer certificate's issuer, byte for byte");
  }

  @Test
  void revoke_defaults_reasonUnspecified_noInvalidityDate_noComment() throws Exception {
    RevocationRequest revocation = onlyRevocation(revokeAsBob("--serial", "45"));
    assertEquals(BigInteger.valueOf(45), revocation.serial());
    assertEquals(0, revocation.reason());
    assertTrue(revocation.invalidityDate().isEmpty());
    assertTrue(revocation.comment().isEmpty());
  }

  @Test
  void revoke_reason_byNumber_andDogtagsSpelling() throws Exception {
    assertEquals(9, onlyRevocation(revokeAsBob("--serial", "45", "--reason", "9")).reason());
    assertEquals(2, onlyRevocation(revokeAsBob("--serial", "45", "--reason", "caCompromise")).reason());
    assertEquals(10, onlyRevocation(revokeAsBob("--serial", "45", "--reason", "aACompromise")).reason());
  }

  @Test
  void revoke_caCertificate_givesItsSubjectExactlyAsEncoded() throws Exception {
    RevocationRequest revocation = onlyRevocation(revokeAsBob("--serial", "45", "--ca",
        Fixtures.path("ca/testca.pem")));
    assertArrayEquals(TestPki.holder(testCa).getSubject().getEncoded(), encodedIssuer(revocation));
  }

  @Test
  void revoke_dogtagNonce_isBase64TextEndingInCrlf() throws Exception {
    byte[] nonce = revokeAsBob("--serial", "45", "--dogtag-nonce").pkiData().senderNonce().orElseThrow();
    assertEquals(46, nonce.length);
    assertTrue(new String(nonce, StandardCharsets.US_ASCII).endsWith("\r\n"));
  }

  /** g_revoke_agent_serial45.cfg as it is (its nickname names the key in agent.p12), against Dogtag's request. */
  @Test
  void revoke_dogtagAgentCfg_buildsWhatDogtagBuiltFromIt() throws Exception {
    Path out = out();
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Cli.Result r = Cli.runIn(Fixtures.root(), "revoke", "--config", "cmc/g_revoke_agent_serial45.cfg",
        "--signer-p12", "ca/agent.p12", "--password-file", agentPassword.toString(), "--out", out.toString())
        .requireSuccess();
    Instant after = Instant.now();
    assertTrue(r.out().contains("signed by UID=agent1,CN=CMC Agent,O=Example"), r.out());
    CmcRequest ours = CmcRequestParser.parse(Files.readAllBytes(out));
    CmcRequest dogtags = CmcRequestParser.parse(Files.readAllBytes(Fixtures.file("cmc/g_revoke_agent_serial45.der")));
    assertTrue(ours.signature().orElseThrow().verify(agent.getPublicKey()).isValid());
    assertTrue(dogtags.signature().orElseThrow().verify(agent.getPublicKey()).isValid(), "the fixture, as a check");
    RevocationRequest mine = onlyRevocation(ours);
    RevocationRequest theirs = onlyRevocation(dogtags);
    assertEquals(theirs.serial(), mine.serial());
    assertEquals(theirs.reason(), mine.reason());
    assertEquals(theirs.comment(), mine.comment());
    assertArrayEquals(encodedIssuer(theirs), encodedIssuer(mine), "the signer certificate's issuer, as Dogtag");
    assertTrue(theirs.invalidityDate().isPresent() && mine.invalidityDate().isPresent());
    Instant sent = mine.invalidityDate().get();
    assertFalse(sent.isBefore(before) || sent.isAfter(after), "invalidityDatePresent=true is now: " + sent);
    assertTrue(mine.passphrase().isEmpty() && theirs.passphrase().isEmpty());
    assertEquals(controlTypes(dogtags), controlTypes(ours));
  }

  // ---- unsigned ----

  @Test
  void revoke_unsigned_carriesTheSecretAsPassphrase_andNoSignature() throws Exception {
    Path out = out();
    Cli.Result r = Cli.run("revoke", "--serial", "45", "--issuer", "CN=Test CA,O=Example", "--reason",
        "superseded", "--shared-secret-file", secretFile.toString(), "--comment", "new key", "--out", out.toString())
        .requireSuccess();
    assertNoSecret(r);
    assertTrue(r.out().contains("passphrase: the shared secret from file " + secretFile), r.out());
    assertTrue(r.out().contains("unsigned (ContentInfo id-data)"), r.out());
    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(out),
        "the passphrase is in clear in the file");
    CmcRequest request = CmcRequestParser.parse(Files.readAllBytes(out));
    assertTrue(request.signature().isEmpty());
    RevocationRequest revocation = onlyRevocation(request);
    assertEquals(BigInteger.valueOf(45), revocation.serial());
    assertEquals(4, revocation.reason());
    assertEquals(Optional.of("new key"), revocation.comment());
    assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), revocation.passphrase().orElseThrow(),
        "the file's content minus its trailing newline");
    assertEquals(TestPki.holder(testCa).getSubject(), revocation.issuerName(), "X500Name.equals, as the CA compares");
  }

  @Test
  void revoke_unsigned_overAnExistingFile_makesItOwnerOnlyFirst() throws Exception {
    Path out = Files.writeString(out(), "old");
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
    Cli.run("revoke", "--serial", "45", "--issuer", "CN=Test CA,O=Example", "--shared-secret-file",
        secretFile.toString(), "--out", out.toString()).requireSuccess();
    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(out));
    assertEquals(1, CmcRequestParser.parse(Files.readAllBytes(out)).pkiData().revokeRequests().size());
  }

  @Test
  void revoke_unsigned_secretFromTheEnvironment() throws Exception {
    RevocationRequest revocation = onlyRevocation(revoke("--serial", "45", "--ca", Fixtures.path("ca/testca.pem"),
        "--shared-secret-env", SECRET_VARIABLE));
    assertArrayEquals(SECRET_IN_VARIABLE.getBytes(StandardCharsets.UTF_8), revocation.passphrase().orElseThrow());
  }

  /** As Dogtag (README: "issuerName built from the string with UTF8String"), in RFC 4514 order. */
  @Test
  void revoke_issuerText_isEncodedAsDogtagDoes() throws Exception {
    RevocationRequest revocation = onlyRevocation(revoke("--serial", "45", "--issuer", "CN=Test CA,O=Example,C=DE",
        "--shared-secret-file", secretFile.toString()));
    RDN[] rdns = revocation.issuerName().getRDNs();
    assertEquals(List.of("2.5.4.6", "2.5.4.10", "2.5.4.3"), Arrays.stream(rdns)
        .map(rdn -> rdn.getFirst().getType().getId()).toList(), "C, O, CN: most specific last in DER");
    AttributeTypeAndValue country = rdns[0].getFirst();
    assertTrue(country.getValue() instanceof ASN1PrintableString, "C is PrintableString (RFC 5280 appendix A)");
    assertTrue(rdns[1].getFirst().getValue() instanceof ASN1UTF8String);
    assertTrue(rdns[2].getFirst().getValue() instanceof ASN1UTF8String);
  }

  /** g_revoke_sharedsecret_serial45.cfg as it is, against Dogtag's request: the same structure, field by field. */
  @Test
  void revoke_dogtagSharedSecretCfg_buildsWhatDogtagBuiltFromIt() throws Exception {
    Path out = out();
    Cli.Result r = Cli.runIn(Fixtures.root(), "revoke", "--config", "cmc/g_revoke_sharedsecret_serial45.cfg",
        "--dogtag-nonce", "--out", out.toString()).requireSuccess();
    assertNoSecret(r);
    assertTrue(r.out().contains("revRequest.sharedSecret"), "names where the secret came from: " + r.out());
    byte[] oursDer = Files.readAllBytes(out);
    byte[] theirsDer = Files.readAllBytes(Fixtures.file("cmc/g_revoke_sharedsecret_serial45.der"));
    CmcRequest ours = CmcRequestParser.parse(oursDer);
    CmcRequest dogtags = CmcRequestParser.parse(theirsDer);
    assertTrue(ours.signature().isEmpty() && dogtags.signature().isEmpty(), "both unsigned");
    RevocationRequest mine = onlyRevocation(ours);
    RevocationRequest theirs = onlyRevocation(dogtags);
    assertEquals(theirs.serial(), mine.serial());
    assertEquals(BigInteger.valueOf(45), mine.serial());
    assertEquals(theirs.reason(), mine.reason());
    assertEquals(theirs.issuerName(), mine.issuerName());
    assertArrayEquals(encodedIssuer(theirs), encodedIssuer(mine), "UTF8String values, as Dogtag writes them");
    assertArrayEquals(theirs.passphrase().orElseThrow(), mine.passphrase().orElseThrow());
    assertArrayEquals(DOGTAG_SECRET.getBytes(StandardCharsets.UTF_8), mine.passphrase().orElseThrow());
    assertEquals(theirs.comment(), mine.comment());
    assertEquals(theirs.invalidityDate(), mine.invalidityDate(), "invalidityDatePresent=false: none");
    assertEquals(controlTypes(dogtags), controlTypes(ours));
    assertEquals(dogtags.pkiData().senderNonce().orElseThrow().length, ours.pkiData().senderNonce().orElseThrow()
        .length, "--dogtag-nonce: base64 text + CRLF");
    // Only the senderNonce differs (random), so the two encodings have the same length.
    assertEquals(theirsDer.length, oursDer.length);
  }

  static List<String> controlTypes(CmcRequest request) {
    return request.pkiData().controls().stream().map(c -> c.bodyPartId() + ":" + c.type().getId()).toList();
  }

  @Test
  void revoke_controlTypes_areSenderNonceThenRevokeRequest() throws Exception {
    List<Control> controls = revokeAsBob("--serial", "45").pkiData().controls();
    assertEquals(List.of(CmcObjectIds.SENDER_NONCE, CmcObjectIds.REVOKE_REQUEST),
        controls.stream().map(Control::type).toList());
  }

  // ---- refusals: exit 2 (usage), one line, no file, no secret ----

  Cli.Result refused(String... args) {
    Path never = dir.resolve("never-" + System.nanoTime() + ".der");
    List<String> all = new ArrayList<>(List.of("revoke", "--out", never.toString()));
    all.addAll(List.of(args));
    Cli.Result r = Cli.run(all.toArray(String[]::new));
    assertFalse(Files.exists(never), "nothing written on a refusal");
    assertNoSecret(r);
    assertTrue(r.out().isEmpty(), r.out());
    return r;
  }

  @Test
  void revoke_signerAndSharedSecret_isRefused() {
    Cli.assertOneLineFailure(refused("--serial", "45", "--signer-p12", Fixtures.path("ca/user-bob.p12"),
        "--password-file", bobPassword.toString(), "--shared-secret-file", secretFile.toString()), 2,
        "not both", "--shared-secret-file");
  }

  @Test
  void revoke_signerAndCfgSharedSecret_isRefused() {
    Cli.Result r = Cli.runIn(Fixtures.root(), "revoke", "--config", "cmc/g_revoke_sharedsecret_serial45.cfg",
        "--signer-p12", "ca/agent.p12", "--password-file", agentPassword.toString(), "--out",
        dir.resolve("never.der").toString());
    assertNoSecret(r);
    Cli.assertOneLineFailure(r, 2, "not both", "revRequest.sharedSecret");
  }

  @Test
  void revoke_neitherSignerNorSharedSecret_isRefused() {
    Cli.assertOneLineFailure(refused("--serial", "45", "--issuer", "CN=Test CA,O=Example"), 2, "give the signer",
        "--shared-secret-file");
  }

  @Test
  void revoke_unsignedWithoutIssuer_isRefused() {
    Cli.assertOneLineFailure(refused("--serial", "45", "--shared-secret-file", secretFile.toString()), 2,
        "--issuer", "--ca");
  }

  @Test
  void revoke_badReason_isRefused() {
    Cli.assertOneLineFailure(refused("--serial", "45", "--reason", "lostIt", "--signer-p12",
        Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString()), 2, "--reason 'lostIt'",
        "keyCompromise");
  }

  @ParameterizedTest
  @ValueSource(strings = {"certificateHold", "6", "removeFromCRL", "8"})
  void revoke_holdAndItsRemoval_areRefused(String reason) {
    Cli.assertOneLineFailure(refused("--serial", "45", "--reason", reason, "--issuer", "CN=Test CA,O=Example",
        "--shared-secret-file", secretFile.toString()), 2, "not supported");
  }

  @Test
  void revoke_cfgHold_isRefusedNamingTheKey() throws Exception {
    Path cfg = Files.writeString(dir.resolve("hold.cfg"), "revRequest.enable=true\nrevRequest.serial=45\n"
        + "revRequest.issuer=CN=Test CA,O=Example\nrevRequest.reason=certificateHold\nrevRequest.sharedSecret="
        + DOGTAG_SECRET + "\n");
    Cli.Result r = refused("--config", cfg.toString());
    Cli.assertOneLineFailure(r, 2, "revRequest.reason certificateHold (6) is not supported");
  }

  @Test
  void revoke_cfgHexSerial_isRefusedAsDogtagDoes() throws Exception {
    Path cfg = Files.writeString(dir.resolve("hex.cfg"), "revRequest.enable=true\nrevRequest.serial=0x2D\n");
    Cli.assertOneLineFailure(refused("--config", cfg.toString(), "--signer-p12", Fixtures.path("ca/user-bob.p12"),
        "--password-file", bobPassword.toString()), 2, "revRequest.serial=0x2D", "decimal");
  }

  @Test
  void revoke_enrolmentCfg_isRefused() {
    Cli.Result r = Cli.runIn(Fixtures.root(), "revoke", "--config", "cmc/b_usersigned_bob_crmf.cfg", "--signer-p12",
        "ca/user-bob.p12", "--password-file", bobPassword.toString(), "--out", dir.resolve("never.der").toString());
    Cli.assertOneLineFailure(r, 2, "revRequest.enable=true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-3", "0x", "12ab", "0xZZ"})
  void revoke_badSerial_isRefused(String serial) {
    Cli.assertOneLineFailure(refused("--serial", serial, "--signer-p12", Fixtures.path("ca/user-bob.p12"),
        "--password-file", bobPassword.toString()), 2, "--serial", "positive integer");
  }

  @Test
  void revoke_badInvalidityDate_isRefused() {
    Cli.assertOneLineFailure(refused("--serial", "45", "--invalidity-date", "yesterday", "--signer-p12",
        Fixtures.path("ca/user-bob.p12"), "--password-file", bobPassword.toString()), 2, "ISO-8601");
  }

  @Test
  void revoke_secretOnTheCommandLine_isRefusedWithoutEchoingIt() {
    Cli.assertOneLineFailure(refused("--serial", "45", "--issuer", "CN=Test CA,O=Example", "--shared-secret",
        SECRET), 2, "never accepted on the command line");
  }

  @Test
  void revoke_caOptionWithAnEndEntityCertificate_isRefused() {
    Cli.assertOneLineFailure(refused("--serial", "45", "--ca", Fixtures.path("ca/user-bob.pem"),
        "--shared-secret-file", secretFile.toString()), 1, "not a CA certificate");
  }

  @Test
  void revoke_issuerAndCa_isRefused() {
    Cli.assertOneLineFailure(refused("--serial", "45", "--issuer", "CN=Test CA,O=Example", "--ca",
        Fixtures.path("ca/testca.pem"), "--shared-secret-file", secretFile.toString()), 2, "not both");
  }

  @Test
  void revoke_isListedInTheToolsHelp() {
    Cli.Result r = Cli.run("--help");
    assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("revoke")), r.out());
  }
}
