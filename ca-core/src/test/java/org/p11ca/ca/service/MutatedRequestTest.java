package org.p11ca.ca.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.CollectionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.audit.AuditLogVerifier;
import org.p11ca.hsm.testing.MutableClock;
import org.p11ca.ca.audit.VerificationResult;
import org.p11ca.ca.cmc.CmcObjectIds;
import org.p11ca.ca.cmc.CmcRequestBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;
import org.p11ca.ca.cmc.EncryptedPop;
import org.p11ca.ca.cmc.RevocationRequest;
import org.p11ca.ca.cmc.SharedSecretMacs;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.kra.KeyArchiver;
import org.p11ca.ca.pop.EncryptedPopChallenger;
import org.p11ca.ca.profile.Profile;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.profile.Profiles;
import org.p11ca.ca.repository.JdbcArchivedKeyStore;
import org.p11ca.ca.repository.JdbcPendingPopStore;
import org.p11ca.ca.repository.JdbcSharedSecretStore;
import org.p11ca.ca.secret.SharedSecretAdministration;
import org.p11ca.ca.secret.SharedSecretPolicy;
import org.p11ca.ca.secret.SharedSecretVault;
import org.p11ca.ca.testing.DerMutator;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.RsaPadding;

/**
 * Bad input loses nothing: thousands of structure-aware mutations of valid CMC requests of every kind this CA takes
 * (user-signed, agent-signed, self-signed, archival, decryptedPOP, revocation, Simple PKI), and of Dogtag's own
 * requests, go through the whole facade. Inner mutations change the PKIData and sign it again with the real signer's
 * key, so they get past the signature to the checks behind it; outer ones change the signed message itself. Each
 * answer must be a CMC response signed by the CA whose failures carry a failInfo and a one-line statusString, or
 * Unreadable with a one-line reason; never an exception (HTTP 500) nor Unavailable (503, which says the CA is
 * down); a certificate issued on the user-signed endpoint must carry the signer's subject; and the audit log must
 * verify at the end. The seeds are fixed, so a failure names a mutation that can be replayed.
 */
class MutatedRequestTest {

  static final String BOB = "UID=bob,O=Example";
  static final String AGENT = "UID=agent1,CN=CMC Agent,O=Example";
  static final String SECRET = "FuzzSharedSecret.42";
  /** Per seed; {@code -Dp11ca.mutations.inner=4000 -Dp11ca.mutations.seed=5000} for a longer search elsewhere. */
  static final int INNER_PER_SEED = Integer.getInteger("p11ca.mutations.inner", 150);
  static final int OUTER_PER_SEED = INNER_PER_SEED / 4;

  @TempDir
  static Path dir;
  static TestAuthority ca;
  static CmcService service;
  static PublicKey transportPublic;
  static Subscriber bobKey;
  static X509CertificateHolder bobCert;
  static Subscriber agentKey;
  static X509CertificateHolder agentCert;

  /** A request to mutate: its PKIData, who signs it, and where it goes. */
  record Seed(String name, byte[] pkiData, Signing signing, CmcEndpoint endpoint, Optional<String> profile,
      Optional<X509CertificateHolder> tls) {
  }

  sealed interface Signing {
  }

  record ByCertificate(Subscriber key, X509CertificateHolder cert) implements Signing {
  }

  record ByKeyId(Subscriber key) implements Signing {
  }

  record Unsigned() implements Signing {
  }

  @BeforeAll
  static void start() {
    ca = new TestAuthority("mutated-requests", dir);
    KeyHandle transport = ca.token.generateKeyPair(new KeyPairSpec.Rsa(2048),
        KeyAttributes.persistent("kra-transport", KeyUsage.DECRYPT, KeyUsage.UNWRAP));
    transportPublic = ca.token.publicKey(transport);
    KeyHandle storage = ca.token.generateAesKey(256, KeyAttributes.persistent("kra-storage", KeyUsage.WRAP,
        KeyUsage.UNWRAP));
    KeyHandle protection = ca.token.generateAesKey(256, KeyAttributes.persistent("pop-protection",
        KeyUsage.ENCRYPT, KeyUsage.DECRYPT));
    KeyHandle secretKey = ca.token.generateAesKey(256, KeyAttributes.persistent("shared-secret", KeyUsage.ENCRYPT,
        KeyUsage.DECRYPT));
    MutableClock clock = new MutableClock(TestAuthority.NOW);
    JdbcSharedSecretStore secrets = new JdbcSharedSecretStore(ca.db);
    SharedSecretVault vault = new SharedSecretVault(ca.token, secretKey);
    List<Profile> all = new ArrayList<>(ProfileLoader.loadDefaults().all());
    all.add(ProfileLoader.parse("encArchive.yaml", "id: encArchive\nvalidity: P30D\nsubject: {from: signer}\n"
        + "keys: {rsaMinBits: 2048}\nkeyUsage: {critical: true, usages: [keyEncipherment]}\n"
        + "basicConstraints: {ca: false}\nallowEncryptionOnlyKeys: true\narchivalRequired: true\n"));
    service = new CmcService(ca.signer, new Profiles(all), ca.certificates, ca.requests, ca.agents, ca.audit, clock,
        Optional.of(new EncryptedPopSupport(new EncryptedPopChallenger(ca.token, protection),
            new JdbcPendingPopStore(ca.db))),
        Optional.of(new KeyArchival(new KeyArchiver(ca.token, transport, storage, new RsaPadding.Pkcs1v15()),
            new JdbcArchivedKeyStore(ca.db, Clock.systemUTC()))),
        Optional.of(new SharedSecretIdentities(secrets, vault, SharedSecretPolicy.DEFAULT)));
    new SharedSecretAdministration(secrets, vault, ca.token, SharedSecretPolicy.DEFAULT, ca.audit, clock)
        .create(new SharedSecretAdministration.Request("fuzz", Optional.empty(), Optional.of(Duration.ofDays(1)),
            OptionalInt.empty(), Optional.of(SECRET.toCharArray())), "operator");
    bobKey = Subscriber.rsa(2048);
    bobCert = service.enrollByOperator(bobKey.csr(BOB), "caFullCMCUserCert", "operator").cert();
    agentKey = Subscriber.rsa(2048);
    agentCert = service.enrollByOperator(agentKey.csr(AGENT), "caFullCMCUserCert", "operator").cert();
    ca.makeAgent(agentCert, "agent1");
  }

  @AfterAll
  static void stop() {
    ca.close();
  }

  @Test
  void mutatedRequests_getSignedFailuresOrA400_andNeverAnException() throws Exception {
    List<String> problems = new ArrayList<>();
    List<Seed> seeds = seeds();
    long seedNumber = Long.getLong("p11ca.mutations.seed", 1);
    for (Seed seed : seeds) {
      DerMutator mutator = new DerMutator(seedNumber++);
      for (int i = 0; i < INNER_PER_SEED && problems.size() < 20; i++) {
        byte[] pkiData = mutator.mutate(seed.pkiData());
        String what = seed.name() + " inner #" + i + " (" + mutator.lastMutations() + ")";
        check(what, seed, sign(pkiData, seed.signing()), problems);
      }
    }
    for (Seed seed : Stream.concat(seeds.stream(), dogtagSeeds().stream()).toList()) {
      byte[] whole = seed.signing() instanceof Unsigned ? seed.pkiData() : sign(seed.pkiData(), seed.signing());
      DerMutator mutator = new DerMutator(seedNumber++);
      for (int i = 0; i < OUTER_PER_SEED && problems.size() < 20; i++) {
        byte[] body = mutator.mutate(whole);
        check(seed.name() + " outer #" + i + " (" + mutator.lastMutations() + ")", seed, body, problems);
      }
    }
    assertTrue(problems.isEmpty(), () -> problems.size() + " bad answers:\n" + String.join("\n", problems));
    ca.audit.checkpoint();
    assertInstanceOf(VerificationResult.Intact.class,
        AuditLogVerifier.verify(ca.auditFile(), ca.token.publicKey(ca.auditKey)));
  }

  private static void check(String what, Seed seed, byte[] body, List<String> problems) {
    CmcReply reply;
    try {
      reply = service.handle(new CmcSubmission(seed.endpoint(), seed.profile(), body,
          new Caller("192.0.2.10", "192.0.2.1", seed.tls().map(TestAuthority::jca))));
    } catch (Throwable t) {
      java.io.StringWriter trace = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(trace));
      problems.add(what + ": threw " + trace.toString().lines().limit(8).reduce((a, b) -> a + "\n    " + b)
          .orElse(""));
      return;
    }
    Optional<String> problem;
    if (reply instanceof CmcReply.Unavailable u) {
      problem = Optional.of("answered as if the CA were down: " + u.reason());
    } else if (reply instanceof CmcReply.Unreadable u) {
      problem = u.reason().isBlank() || u.reason().contains("\n")
          ? Optional.of("Unreadable without a one-line reason: '" + u.reason() + "'") : Optional.empty();
    } else {
      problem = responseProblem(seed, (CmcReply.Response) reply);
    }
    problem.ifPresent(p -> problems.add(what + ": " + p));
  }

  private static Optional<String> responseProblem(Seed seed, CmcReply.Response reply) {
    if (reply.mediaType().equals(CmcReply.CERTS_ONLY_MEDIA_TYPE)) {
      return reply.status() == CmcStatus.SUCCESS ? Optional.empty()
          : Optional.of("a certs-only answer for status " + reply.status());
    }
    CmcResponse response;
    try {
      response = CmcResponseParser.parse(reply.der());
    } catch (RuntimeException e) {
      return Optional.of("the response does not parse: " + e);
    }
    if (!response.signature().orElseThrow().verify(TestAuthority.jca(ca.caCert).getPublicKey()).isValid()) {
      return Optional.of("the response is not signed by the CA");
    }
    for (CmcStatusInfo status : response.statuses()) {
      if (status.status() != CmcStatus.SUCCESS) {
        String text = status.statusString().orElse("");
        if (status.failInfo().isEmpty() || text.isBlank() || text.contains("\n")) {
          return Optional.of("a failure without failInfo or a one-line statusString: " + status);
        }
      }
    }
    for (X509CertificateHolder cert : response.certificates()) {
      if (cert.equals(ca.caCert)) {
        continue;
      }
      try {
        if (!cert.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca.caCert))) {
          return Optional.of("a certificate in the response not signed by the CA: " + cert.getSubject());
        }
      } catch (Exception e) {
        return Optional.of("a certificate in the response cannot be checked: " + e);
      }
      if (seed.endpoint() == CmcEndpoint.USER_SIGNED_FULL && !cert.getSubject().equals(new X500Name(BOB))) {
        return Optional.of("the user-signed endpoint issued " + cert.getSubject() + " to " + BOB);
      }
    }
    return Optional.empty();
  }

  private static List<Seed> seeds() throws Exception {
    List<Seed> seeds = new ArrayList<>();
    ByCertificate bob = new ByCertificate(bobKey, bobCert);
    ByCertificate agent = new ByCertificate(agentKey, agentCert);
    Optional<X509CertificateHolder> bobTls = Optional.of(bobCert);
    Subscriber key = Subscriber.rsa(2048);
    seeds.add(new Seed("user-signed CRMF", builder().crmf(key.crmf(BOB)).encodePkiData(), bob,
        CmcEndpoint.USER_SIGNED_FULL, Optional.empty(), bobTls));
    seeds.add(new Seed("user-signed PKCS#10", builder().pkcs10(1, key.csr(BOB)).encodePkiData(), bob,
        CmcEndpoint.USER_SIGNED_FULL, Optional.empty(), Optional.empty()));
    Subscriber ec = Subscriber.ec("secp256r1");
    seeds.add(new Seed("agent-signed CRMF and PKCS#10", builder().crmf(ec.crmf("UID=zed,O=Example"))
        .pkcs10(7, key.csr("UID=yan,O=Example")).encodePkiData(), agent, CmcEndpoint.FULL, Optional.empty(),
        Optional.empty()));
    Subscriber encryptionKey = Subscriber.rsa(2048);
    CertReqMsg archival = Subscriber.withArchive(encryptionKey.crmf(BOB, null), encryptionKey.keys, transportPublic);
    seeds.add(new Seed("user-signed archival", builder().crmf(archival).encodePkiData(), bob, CmcEndpoint.USER_SIGNED_FULL, Optional.of("encArchive"),
        Optional.empty()));
    seeds.add(new Seed("decryptedPOP answer", decryptedPopAnswer(), bob, CmcEndpoint.USER_SIGNED_FULL,
        Optional.of("encArchive"), Optional.empty()));
    X509CertificateHolder bobsOther = service.enrollByOperator(Subscriber.rsa(2048).csr(BOB), "caFullCMCUserCert",
        "operator").cert();
    seeds.add(new Seed("user-signed revocation", builder().revokeRequest(revocation(bobsOther.getSerialNumber()))
        .encodePkiData(), bob, CmcEndpoint.USER_SIGNED_FULL, Optional.empty(), Optional.empty()));
    X509CertificateHolder someone = service.enrollByOperator(Subscriber.rsa(2048).csr("UID=xia,O=Example"),
        "caFullCMCUserCert", "operator").cert();
    seeds.add(new Seed("agent-signed revocation", builder().revokeRequest(revocation(someone.getSerialNumber()))
        .encodePkiData(), agent, CmcEndpoint.FULL, Optional.empty(), Optional.empty()));
    Subscriber selfKey = Subscriber.rsa(2048);
    seeds.add(new Seed("self-signed with identityProofV2", builder().identification("fuzz")
        .identityProofV2(SharedSecretMacs.digestAlgorithm("SHA-256"), SharedSecretMacs.macAlgorithm("SHA-256-HMAC"),
            SECRET.getBytes(UTF_8))
        .crmf(selfKey.crmf("UID=fuzz,O=Example")).encodePkiData(), new ByKeyId(selfKey),
        CmcEndpoint.SELF_SIGNED_FULL, Optional.empty(), Optional.empty()));
    seeds.add(new Seed("Simple PKI Request", Subscriber.rsa(2048).csr("UID=wu,O=Example").getEncoded(),
        new Unsigned(), CmcEndpoint.SIMPLE, Optional.empty(), Optional.of(agentCert)));
    return seeds;
  }

  /** Dogtag's own requests (signed by Dogtag's test CA, so refused here), for outer mutations only. */
  private static List<Seed> dogtagSeeds() throws IOException {
    Path cmc = Path.of(System.getProperty("p11ca.fixtures"), "cmc");
    List<Seed> seeds = new ArrayList<>();
    try (Stream<Path> files = Files.list(cmc)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".der")).sorted().toList()) {
        String name = file.getFileName().toString();
        CmcEndpoint endpoint = name.startsWith("b_") || name.startsWith("c_") ? CmcEndpoint.USER_SIGNED_FULL
            : name.startsWith("d_") || name.startsWith("e_") ? CmcEndpoint.SELF_SIGNED_FULL : CmcEndpoint.FULL;
        seeds.add(new Seed("Dogtag " + name, Files.readAllBytes(file), new Unsigned(), endpoint, Optional.empty(),
            Optional.empty()));
      }
    }
    return seeds;
  }

  private static CmcRequestBuilder builder() {
    return new CmcRequestBuilder(new SecureRandom()).dogtagStyleSenderNonce().transactionId(BigInteger.TEN);
  }

  private static RevocationRequest revocation(BigInteger serial) {
    return new RevocationRequest(TestAuthority.CA_NAME, serial, 1, Optional.of(Instant.parse("2026-05-30T08:00:00Z")),
        Optional.empty(), Optional.of("fuzzing"));
  }

  /** SignedData over {@code content} as id-cct-PKIData, the way the seed is signed; unsigned seeds pass through. */
  private static byte[] sign(byte[] content, Signing signing) {
    try {
      CMSSignedDataGenerator g = new CMSSignedDataGenerator();
      JcaSignerInfoGeneratorBuilder infos = new JcaSignerInfoGeneratorBuilder(
          new JcaDigestCalculatorProviderBuilder().build());
      if (signing instanceof Unsigned) {
        return content;
      }
      if (signing instanceof ByCertificate c) {
        g.addSignerInfoGenerator(infos.build(c.key().signer(), c.cert()));
        g.addCertificates(new CollectionStore<>(List.of(c.cert(), ca.caCert)));
      } else {
        ByKeyId k = (ByKeyId) signing;
        g.addSignerInfoGenerator(infos.build(k.key().signer(), keyId(k.key())));
      }
      return g.generate(new CMSProcessableByteArray(CmcObjectIds.PKI_DATA, content), true).getEncoded("DER");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] keyId(Subscriber key) throws Exception {
    return MessageDigest.getInstance("SHA-1").digest(key.publicKeyInfo().getPublicKeyData().getBytes());
  }

  /** Round one of an EncryptedPOP exchange for real, and the PKIData of a correct round-two answer. */
  private static byte[] decryptedPopAnswer() throws Exception {
    Subscriber key = Subscriber.rsa(2048);
    CertReqMsg archival = Subscriber.withArchive(key.crmf(BOB, null), key.keys, transportPublic);
    byte[] round1 = sign(builder().crmf(archival).encodePkiData(),
        new ByCertificate(bobKey, bobCert));
    CmcReply reply = service.handle(new CmcSubmission(CmcEndpoint.USER_SIGNED_FULL, Optional.of("encArchive"),
        round1, Caller.local()));
    CmcResponse r1 = CmcResponseParser.parse(assertInstanceOf(CmcReply.Response.class, reply).der());
    EncryptedPop pop = r1.encryptedPops().get(0);
    byte[] challenge = key.challenge(pop);
    return builder().crmf(((TaggedRequest.Crmf) pop.parsedRequest()).msg())
        .control(CmcObjectIds.DECRYPTED_POP, new DERSequence(new ASN1Encodable[] {new ASN1Integer(1),
            pop.popAlgorithm(), new DEROctetString(pop.proof(challenge))}))
        .control(CmcObjectIds.REG_INFO, new DEROctetString(r1.responseInfo().orElseThrow())).encodePkiData();
  }
}
