package org.p11ca.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.cmc.CmcResponseBuilder;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.testing.DerMutator;

/** Responses built and signed with ca-core's CmcResponseBuilder, read back by p11ca-cmc response. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseCommandTest {

  @TempDir
  Path dir;
  TestPki pki;
  X509Certificate issued;
  Path caPem;
  Path success;
  Path failure;

  @BeforeAll
  void buildResponses(@TempDir Path shared) throws Exception {
    pki = new TestPki("CN=Response Test CA,O=Example");
    caPem = pki.caPem(shared.resolve("ca.pem"));
    KeyPair subscriber = TestPki.rsa();
    issued = pki.issue("UID=bob,O=Example", subscriber.getPublic(), null);
    success = shared.resolve("success.der");
    Files.write(success, new CmcResponseBuilder(Clock.systemUTC(), new SecureRandom())
        .status(CmcStatusInfo.success(List.of(1)))
        .recipientNonce(new byte[] {1, 2, 3})
        .transactionId(BigInteger.valueOf(0x2d))
        .certificates(List.of(TestPki.holder(issued), pki.caHolder()))
        .sign(TestPki.signer(pki.caKey.getPrivate()), pki.caHolder()));
    failure = shared.resolve("failure.der");
    Files.write(failure, new CmcResponseBuilder(Clock.systemUTC(), new SecureRandom())
        .status(CmcStatusInfo.failed(List.of(1), FailInfo.BAD_IDENTITY,
            "the subject UID=mallory does not match the signer UID=bob"))
        .sign(TestPki.signer(pki.caKey.getPrivate()), pki.caHolder()));
  }

  @Test
  void response_success_printsCertificatesControlsAndStatus_andExitsZero() {
    Cli.Result r = Cli.run("response", "--in", success.toString()).requireSuccess();
    String out = r.out();
    assertTrue(out.startsWith("Certificates:\n    Certificate:\n        Data:\n            Version:  v3\n"), out);
    assertTrue(out.contains("            Serial Number: " + "0x" + issued.getSerialNumber().toString(16)
        .toUpperCase(java.util.Locale.ROOT) + "\n"), out);
    assertTrue(out.contains("            Subject: UID=bob,O=Example\n"), out);
    assertTrue(out.contains("            Issuer: CN=Response Test CA,O=Example\n"), out);
    assertTrue(out.contains("                Not Before: "), out);
    assertTrue(out.contains("                Not  After: "), out);
    assertTrue(out.contains("Signature Algorithm: SHA256withRSA - 1.2.840.113549.1.1.11"), out);
    assertTrue(out.contains("""
        Number of controls is 4
        Control #0: CMCStatusInfoV2
           OID: {1 3 6 1 5 5 7 7 25}
           BodyList: 1
           Status: SUCCESS
        Control #1: CMC Recipient Nonce
           OID: {1 3 6 1 5 5 7 7 7}
           Value: 1 2 3
        Control #2: CMC Sender Nonce
        """), out);
    assertTrue(out.contains("Control #3: CMC Transaction Id\n   OID: {1 3 6 1 5 5 7 7 5}\n   INTEGER: 45\n"), out);
    assertTrue(out.contains("Response signature: not checked"), out);
    assertEquals("", r.err());
  }

  @Test
  void response_failure_printsFailInfo_andOneLineOnStderr_andExitsOne() {
    Cli.Result r = Cli.run("response", "--in", failure.toString());
    assertTrue(r.out().contains("""
        Number of controls is 2
        Control #0: CMCStatusInfoV2
           OID: {1 3 6 1 5 5 7 7 25}
           BodyList: 1
           Status String: the subject UID=mallory does not match the signer UID=bob
           OtherInfo type: FAIL
             failInfo=bad identity
        """), r.out());
    String line = Cli.assertOneLineFailure(r, 1, "failInfo=bad identity",
        "the subject UID=mallory does not match the signer UID=bob");
    assertEquals("p11ca-cmc: the CA did not issue: failInfo=bad identity (bodyList 1): the subject UID=mallory does"
        + " not match the signer UID=bob", line);
  }

  @Test
  void response_withCa_verifiesTheSignature_andSaysSo() {
    Cli.Result r = Cli.run("response", "--in", success.toString(), "--ca", caPem.toString()).requireSuccess();
    assertTrue(r.out().contains("Response signature: verified, signed by CN=Response Test CA,O=Example"), r.out());
  }

  @Test
  void response_withAnotherCa_failsAndWritesNothing() throws Exception {
    Path otherCa = new TestPki("CN=Response Test CA,O=Example").caPem(dir.resolve("other-ca.pem"));
    Path cert = dir.resolve("never.pem");
    Cli.Result r = Cli.run("response", "--in", success.toString(), "--ca", otherCa.toString(), "--write-cert",
        cert.toString());
    Cli.assertOneLineFailure(r, 1, "not signed by the CA of --ca");
    assertEquals("", r.out());
    assertFalse(Files.exists(cert));
  }

  @Test
  void response_certificatesSwappedOnTheWay_failsAndWritesNothing() throws Exception {
    // SignedData.certificates is outside the signature: the response still verifies with another CA's certificate.
    TestPki impostor = new TestPki("CN=Response Test CA,O=Example");
    X509Certificate forged = impostor.issue("UID=bob,O=Example", TestPki.rsa().getPublic(), null);
    org.bouncycastle.cms.CMSSignedData signed = new org.bouncycastle.cms.CMSSignedData(Files.readAllBytes(success));
    Path swapped = dir.resolve("swapped.der");
    Files.write(swapped, org.bouncycastle.cms.CMSSignedData.replaceCertificatesAndCRLs(signed,
        new org.bouncycastle.util.CollectionStore<>(List.of(TestPki.holder(forged), pki.caHolder())), null, null)
        .getEncoded("DER"));
    Path cert = dir.resolve("forged.pem");
    Cli.Result r = Cli.run("response", "--in", swapped.toString(), "--ca", caPem.toString(), "--write-cert",
        cert.toString());
    Cli.assertOneLineFailure(r, 1, "UID=bob,O=Example", "is not signed by the CA of --ca", "nothing written");
    assertFalse(Files.exists(cert));
  }

  @Test
  void response_writeCert_writesOnlyTheIssuedCertificate_asPemOpensslReads() throws Exception {
    Path cert = dir.resolve("issued.pem");
    Cli.Result r = Cli.run("response", "--in", success.toString(), "--ca", caPem.toString(), "--write-cert",
        cert.toString()).requireSuccess();
    assertTrue(r.out().contains("Issued certificate written to " + cert), r.out());
    assertEquals(1, Pem.readCertificates(cert, "issued").size());
    String subject = Openssl.run("x509", "-in", cert.toString(), "-noout", "-subject", "-serial");
    assertTrue(subject.contains("UID = bob") || subject.contains("UID=bob"), subject);
    assertTrue(subject.toLowerCase(java.util.Locale.ROOT).contains(issued.getSerialNumber().toString(16)), subject);
    String verify = Openssl.run("verify", "-CAfile", caPem.toString(), cert.toString());
    assertTrue(verify.contains(": OK"), verify);
  }

  @Test
  void response_garbage_isOneLine() throws Exception {
    Path junk = dir.resolve("junk.der");
    Files.write(junk, new byte[] {0x30, 0x03, 0x02, 0x01, 0x01});
    Cli.assertOneLineFailure(Cli.run("response", "--in", junk.toString()), 1, "CMC response");
  }

  /**
   * Structure-aware mutations of a success and a failure response, read with the CA check and --write-cert: each
   * run exits 0 with a certificate the CA signed, or 1 with one line on stderr; never 3 (unexpected) nor a trace.
   */
  @Test
  void response_mutated_exitsZeroOrOneWithOneLine() throws Exception {
    List<String> problems = new java.util.ArrayList<>();
    Path file = dir.resolve("mutated.der");
    Path cert = dir.resolve("mutated-cert.pem");
    long seed = 1;
    for (Path original : List.of(success, failure)) {
      DerMutator mutator = new DerMutator(seed++);
      byte[] der = Files.readAllBytes(original);
      for (int i = 0; i < 150 && problems.size() < 10; i++) {
        Files.write(file, mutator.mutate(der));
        Files.deleteIfExists(cert);
        Cli.Result r = Cli.run("response", "--in", file.toString(), "--ca", caPem.toString(), "--write-cert",
            cert.toString());
        String what = original.getFileName() + " #" + i + " (" + mutator.lastMutations() + "): ";
        if (r.exitCode() == 0) {
          X509Certificate written = Pem.readCertificates(cert, "issued").get(0);
          written.verify(pki.caKey.getPublic());
        } else if (r.exitCode() != 1 || r.errLines().size() != 1 || !r.err().startsWith("p11ca-cmc: ")) {
          problems.add(what + "exit " + r.exitCode() + ", stderr: " + r.err());
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }
}
