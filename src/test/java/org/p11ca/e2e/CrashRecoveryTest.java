package org.p11ca.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p11ca.ca.profile.ProfileLoader;
import org.p11ca.ca.repository.CaDatabase;
import org.p11ca.ca.repository.CertificateRecord;
import org.p11ca.ca.repository.CertificateStatus;
import org.p11ca.ca.repository.JdbcCertificateStore;

/**
 * The CA killed with SIGKILL in the middle of issuing (a power cut, the OOM killer) loses nothing it answered and
 * comes back by itself: the server starts again on the same token, database and audit log, issues again, and
 * afterwards every certificate a subscriber received is in the database as ISSUED with the same bytes, has its
 * CERT_REQUEST_PROCESSED success in the audit log, and the audit log verifies. What was cut off mid-way is at most
 * a RESERVED row holding the exact TBSCertificate the token may have signed, so the operator can still revoke it.
 * A power cut can also leave the audit log's last record half written: then the CA refuses to start, names
 * {@code p11ca audit-repair}, and starts once the operator has run it.
 */
class CrashRecoveryTest {

  static final String BOB = "UID=bob,O=Example";
  /** caFullCMCUserSignedCert that re-certifies the same key, so one request can be sent again and again. */
  static final String SAME_KEY_PROFILE = "e2eSameKeyUserSignedCert";
  static final String USER_SIGNED = "/ca/ee/ca/profileSubmitUserSignedCMCFull?profileId=" + SAME_KEY_PROFILE;
  static final int SENDERS = 4;
  /** Certificates answered before the kill; enough that the kill lands among requests in flight. */
  static final int ANSWERED_BEFORE_KILL = 24;

  @TempDir
  Path dir;

  @Test
  void killedWhileIssuing_restartsAndKeepsEveryAnsweredCertificate() throws Exception {
    try (RunningCa ca = RunningCa.prepare(dir, "profilesDir: " + profiles() + "\n")) {
      Path bob = ca.bootstrapUser("bob", BOB, false);
      BigInteger bobSerial = RunningCa.certificate(ca.data.resolve("bob.pem")).getSerialNumber();
      Path work = Files.createDirectories(dir.resolve("work"));
      String pass = ca.passwordFile.toString();
      ca.cmc("crmf", "--new-key", "rsa:2048", "--key-p12", work.resolve("new.p12").toString(), "--password-file",
          pass, "--subject", BOB, "--pop", "signature", "--out", work.resolve("crmf.der").toString()).requireSuccess();
      ca.cmc("request", "--in", work.resolve("crmf.der").toString(), "--signer-p12", bob.toString(),
          "--password-file", pass, "--out", work.resolve("cmc.der").toString()).requireSuccess();
      byte[] request = Files.readAllBytes(work.resolve("cmc.der"));
      // Bob's certificate as TLS client certificate: it must be the CMC signer's.
      SSLContext tls = ca.tls(bob);
      ca.start();

      Map<BigInteger, byte[]> answered = new ConcurrentHashMap<>();
      List<String> refusals = new CopyOnWriteArrayList<>();
      ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < SENDERS; i++) {
        running.add(senders.submit(() -> {
          HttpClient https = https(tls);
          // Until the server is gone: each answer is recorded as the subscriber would keep it.
          while (true) {
            Optional<byte[]> body = post(https, ca, request);
            if (body.isEmpty()) {
              return null;
            }
            record(body.get(), bobSerial, answered, refusals);
          }
        }));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (answered.size() < ANSWERED_BEFORE_KILL && refusals.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      ca.kill();
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
      senders.shutdown();
      assertEquals(List.of(), refusals, "every answer before the kill is a certificate");
      assertTrue(answered.size() >= ANSWERED_BEFORE_KILL, "answered before the kill: " + answered.size());

      // Back by itself: no repair, no operator step. It resumes the audit chain and issues again.
      ca.start();
      Optional<byte[]> afterKill = post(https(tls), ca, request);
      assertTrue(afterKill.isPresent(), "the restarted server answers");
      record(afterKill.get(), bobSerial, answered, refusals);
      assertEquals(List.of(), refusals, "the restarted server issues");

      // A power cut can leave more: the last record only partly on disk. The CA will not start on that, says why
      // and what to run; the operator runs it, and the CA starts.
      ca.kill();
      List<String> lines = Files.readAllLines(ca.auditLog());
      String last = lines.get(lines.size() - 1);
      Files.writeString(ca.auditLog(), last.substring(0, last.length() / 2), StandardOpenOption.APPEND);
      AssertionError refused = assertThrows(AssertionError.class, ca::start);
      assertTrue(refused.getMessage().contains("ends in line " + (lines.size() + 1) + " cut short")
          && refused.getMessage().contains("p11ca audit-repair"), refused.getMessage());
      Processes.Result repaired = ca.p11ca("audit-repair", "--config", ca.config.toString(), "--operator",
          "e2e-operator").requireSuccess();
      assertTrue(repaired.stdout().startsWith("p11ca: set aside line " + (lines.size() + 1)), repaired.stdout());
      ca.start();
      Map<BigInteger, byte[]> afterRestart = new ConcurrentHashMap<>();
      Optional<byte[]> again = post(https(tls), ca, request);
      assertTrue(again.isPresent(), "the restarted server answers");
      record(again.get(), bobSerial, afterRestart, refusals);
      assertEquals(List.of(), refusals, "the restarted server issues");
      assertEquals(1, afterRestart.size());
      ca.stop();

      Map<BigInteger, byte[]> received = new ConcurrentHashMap<>(answered);
      received.putAll(afterRestart);
      try (CaDatabase db = CaDatabase.openSqlite(ca.data)) {
        JdbcCertificateStore store = new JdbcCertificateStore(db, Clock.systemUTC());
        for (Map.Entry<BigInteger, byte[]> cert : received.entrySet()) {
          CertificateRecord row = store.find(cert.getKey())
              .orElseThrow(() -> new AssertionError("answered but not stored: serial " + cert.getKey()));
          assertEquals(CertificateStatus.ISSUED, row.status(), "serial " + cert.getKey());
          assertArrayEquals(cert.getValue(), row.certificate().orElseThrow(), "stored bytes of " + cert.getKey());
        }
        // Cut off between reservation and answer: revocable, because the row holds what the token may have signed.
        List<CertificateRecord> unfinished = store.listByStatus(CertificateStatus.RESERVED);
        for (CertificateRecord reserved : unfinished) {
          assertTrue(reserved.tbsCertificate().isPresent(), "a RESERVED row keeps its TBSCertificate");
          assertFalse(received.containsKey(reserved.serial()), "answered yet only reserved: " + reserved.serial());
        }
        // The operator hears of them at start, with what to do; and of nothing when there are none.
        List<String> warnings = ca.serverOutput().stream()
            .filter(l -> l.contains("reserved for signing but never stored as issued")).toList();
        if (unfinished.isEmpty()) {
          assertEquals(List.of(), warnings);
        } else {
          String count = unfinished.size() + (unfinished.size() == 1 ? " serial was" : " serials were");
          assertTrue(warnings.stream().anyMatch(l -> l.contains("WARNING") && l.contains(count)
              && l.contains("0x" + unfinished.get(0).serial().toString(16))), unfinished.size() + " " + warnings);
        }
      }

      List<String> events = ca.auditEvents();
      for (BigInteger serial : received.keySet()) {
        assertTrue(events.stream().anyMatch(e -> e.startsWith("[AuditEvent=CERT_REQUEST_PROCESSED]")
            && e.contains("[Outcome=Success]") && e.contains("[CertSerialNum=" + serial + "]")),
            "CERT_REQUEST_PROCESSED success for answered serial " + serial);
      }
      Processes.Result verify = ca.p11ca("audit-verify", "--config", ca.config.toString()).requireSuccess();
      assertTrue(verify.stdout().contains("is intact"), verify.stdout());
      assertTrue(events.stream().anyMatch(e -> e.startsWith("[AuditEvent=AUDIT_LOG_CUT_SHORT_LINE_SET_ASIDE]"
          + "[SubjectID=e2e-operator][Outcome=Success]")), "the repair is audited");
      assertFalse(verify.stdout().contains("warning"), "the records written before the kill are under the"
          + " checkpoints signed after the restart: " + verify.stdout());
    }
  }

  /** The body of a 200 answer, or empty once the server is gone (connection refused or cut off). */
  private static Optional<byte[]> post(HttpClient https, RunningCa ca, byte[] request) throws InterruptedException {
    HttpRequest post = HttpRequest.newBuilder(URI.create(ca.url(USER_SIGNED))).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/pkcs7-mime").POST(HttpRequest.BodyPublishers.ofByteArray(request))
        .build();
    HttpResponse<byte[]> answer;
    try {
      answer = https.send(post, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException gone) {
      return Optional.empty();
    }
    assertEquals(200, answer.statusCode(), () -> new String(answer.body(), StandardCharsets.UTF_8));
    return Optional.of(answer.body());
  }

  /** Keeps the certificate a CMC response carries for bob (not his signer certificate), or notes a refusal. */
  private static void record(byte[] response, BigInteger signerSerial, Map<BigInteger, byte[]> issued,
      List<String> refusals) throws CMSException, IOException {
    X500Name subject = new X500Name(BOB);
    List<X509CertificateHolder> certs = new ArrayList<>();
    for (X509CertificateHolder c : new CMSSignedData(response).getCertificates().getMatches(null)) {
      if (c.getSubject().equals(subject) && !c.getSerialNumber().equals(signerSerial)) {
        certs.add(c);
      }
    }
    if (certs.size() != 1) {
      refusals.add("a response with " + certs.size() + " certificates for " + BOB);
      return;
    }
    issued.put(certs.get(0).getSerialNumber(), certs.get(0).getEncoded());
  }

  private Path profiles() throws IOException {
    String shipped;
    try (InputStream in = ProfileLoader.class.getResourceAsStream("caFullCMCUserSignedCert.yaml")) {
      assertTrue(in != null, "caFullCMCUserSignedCert.yaml is on the classpath");
      shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String sameKey = shipped.replace("id: caFullCMCUserSignedCert\n", "id: " + SAME_KEY_PROFILE + "\n")
        .replace("allowSameKeyRenewal: false", "allowSameKeyRenewal: true");
    assertTrue(sameKey.contains("id: " + SAME_KEY_PROFILE + "\n") && sameKey.contains("allowSameKeyRenewal: true"),
        "caFullCMCUserSignedCert.yaml changed shape; adapt the copy:\n" + shipped);
    return RunningCa.shippedProfilesAnd(dir, sameKey);
  }

  private static HttpClient https(SSLContext tls) {
    return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).build();
  }
}
