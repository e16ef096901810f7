package org.p11ca.ca.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.error.CaException;

/** The audit log against a real SoftHSM2 token holding the audit key. */
class AuditLogTest extends AuditLogFixture {

  /** Lines of a log of 12 events under {@link #EVERY_FIVE}: checkpoints at lines 6, 12 and (close) 15. */
  private static final CheckpointPolicy EVERY_FIVE = new CheckpointPolicy(5, Duration.ofHours(1), false);
  private static final Pattern LINE = Pattern.compile(
      "\\d+\\|\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\|[0-9a-f]{64}\\|\\[AuditEvent=[A-Z_]+\\].*\\|[0-9a-f]{64}");

  /** Twelve events and a close: 15 lines, checkpoints at 6, 12 and 15. */
  private void writeTwelveEvents() {
    try (AuditLog audit = AuditLog.open(log, signer, EVERY_FIVE, clock)) {
      for (int i = 1; i <= 12; i++) {
        audit.append(event(i));
        clock.advance(Duration.ofMillis(250));
      }
    }
  }

  private VerificationResult verify() {
    return AuditLogVerifier.verify(log, auditPublicKey);
  }

  private List<String> lines() throws IOException {
    String content = Files.readString(log, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>(List.of(content.split("\n", -1)));
    assertEquals("", out.remove(out.size() - 1), "log ends with a line feed");
    return out;
  }

  private void rewrite(List<String> lines) throws IOException {
    Files.writeString(log, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  private static void assertBrokenAt(long line, String reasonPart, VerificationResult result) {
    VerificationResult.Broken broken = assertInstanceOf(VerificationResult.Broken.class, result);
    assertEquals(line, broken.lineNumber(), broken.reason());
    assertTrue(broken.reason().contains(reasonPart), broken.reason());
  }

  // ---- writing ----

  /**
   * The verifier reads in 64 KiB blocks: lines that straddle blocks, a line longer than a block, and a last line cut
   * short in a later block all come out as in a small log.
   */
  @Test
  void aLogOfManyBlocks_withALineLongerThanABlock_verifies_andACutInALaterBlockIsFound() throws IOException {
    try (AuditLog audit = AuditLog.open(log, signer, EVERY_FIVE, clock)) {
      for (int i = 1; i <= 300; i++) {
        audit.append(event(i));
      }
      audit.append(new AuditEvent.CmcRequestRefused("127.0.0.1", "x".repeat(150_000)));
      for (int i = 301; i <= 600; i++) {
        audit.append(event(i));
      }
    }
    assertTrue(Files.size(log) > 5 * 65536, "several blocks: " + Files.size(log));
    VerificationResult.Intact intact = assertInstanceOf(VerificationResult.Intact.class, verify());
    assertEquals(601, intact.records());

    int lineCount = lines().size();
    byte[] whole = Files.readAllBytes(log);
    Files.write(log, java.util.Arrays.copyOf(whole, whole.length - 10));
    VerificationResult.CutShort cut = assertInstanceOf(VerificationResult.CutShort.class, verify());
    assertEquals(lineCount, cut.lineNumber(), "the last line, cut short");
    assertEquals(whole.length - 10, cut.intactBytes() + cut.cutBytes());
  }

  @Test
  void cleanLog_verifiesIntact() {
    writeTwelveEvents();
    assertEquals(new VerificationResult.Intact(12, 3, 0), verify());
    assertEquals(Optional.empty(), ((VerificationResult.Intact) verify()).warning());
  }

  @Test
  void lines_haveTheDocumentedFormat() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    assertEquals(15, lines.size());
    for (String line : lines) {
      assertTrue(LINE.matcher(line).matches(), line);
    }
    assertTrue(lines.get(0).startsWith("1|2026-01-15T10:00:00Z|" + "0".repeat(64) + "|[AuditEvent="
        + "CERT_REQUEST_PROCESSED][SubjectID=Signer Christina Fu][Outcome=Success][ReqID=81][CertSerialNum=41]|"),
        lines.get(0));
    assertTrue(lines.get(5).contains("|[AuditEvent=AUDIT_LOG_CHECKPOINT][Outcome=Success][SignAlg=ECDSA_SHA256]"
        + "[KeyID=a1][Sig="), lines.get(5));
    // Each line's prev is the hash that ends the line before.
    for (int i = 1; i < lines.size(); i++) {
      String before = lines.get(i - 1);
      assertEquals(before.substring(before.length() - 64), lines.get(i).split("\\|")[2]);
    }
  }

  @Test
  void secondWriterOnTheSameLog_isRefusedWhileTheFirstHoldsIt() {
    try (AuditLog first = AuditLog.open(log, signer, EVERY_FIVE, clock)) {
      first.append(event(1));
      CaException e = assertThrows(CaException.class, () -> AuditLog.open(log, signer, EVERY_FIVE, clock));
      assertTrue(e.detail().contains("in use by another process"), e.detail());
      first.append(event(2));
    }
    try (AuditLog again = AuditLog.open(log, signer, EVERY_FIVE, clock)) {
      again.append(event(3));
    }
    assertInstanceOf(VerificationResult.Intact.class, AuditLogVerifier.verify(log, auditPublicKey));
  }

  @Test
  void close_writesAFinalCheckpoint() throws IOException {
    try (AuditLog audit = AuditLog.open(log, signer, CheckpointPolicy.defaults(), clock)) {
      audit.append(event(1));
      audit.append(event(2));
    }
    List<String> lines = lines();
    assertEquals(3, lines.size());
    assertTrue(lines.get(2).startsWith("3|") && lines.get(2).contains("[AuditEvent=AUDIT_LOG_CHECKPOINT]"));
    assertEquals(new VerificationResult.Intact(2, 1, 0), verify());
  }

  @Test
  void checkpoint_isDueAfterTheInterval() throws IOException {
    try (AuditLog audit = AuditLog.open(log, signer, new CheckpointPolicy(1000, Duration.ofMinutes(1), false),
        clock)) {
      audit.append(event(1));
      clock.advance(Duration.ofMinutes(2));
      audit.append(event(2));
      List<String> lines = lines();
      assertEquals(3, lines.size());
      assertTrue(lines.get(2).contains("[AuditEvent=AUDIT_LOG_CHECKPOINT]"));
      assertEquals(new VerificationResult.Intact(2, 1, 0), verify());
    }
  }

  @Test
  void concurrentAppends_keepOneValidChain() throws Exception {
    int threads = 8;
    int perThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (AuditLog audit = AuditLog.open(log, signer, new CheckpointPolicy(7, Duration.ofHours(1), false), clock)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * perThread;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            audit.append(event(offset + i));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    VerificationResult.Intact intact = assertInstanceOf(VerificationResult.Intact.class, verify());
    assertEquals(threads * perThread, intact.records());
    assertEquals(0, intact.unsignedTail());
    assertEquals(46, intact.checkpoints()); // 320 / 7 = 45 on the way, one more on close
  }

  @Test
  void reopen_continuesTheChain() throws IOException {
    try (AuditLog audit = AuditLog.open(log, signer, CheckpointPolicy.defaults(), clock)) {
      audit.append(event(1));
      audit.append(event(2));
      audit.append(event(3));
    }
    try (AuditLog audit = AuditLog.open(log, signer, CheckpointPolicy.defaults(), clock)) {
      assertEquals(4, audit.lastSequenceNumber());
      audit.append(event(4));
      audit.append(event(5));
    }
    assertEquals(new VerificationResult.Intact(5, 2, 0), verify());
    assertTrue(lines().get(4).startsWith("5|"));
  }

  @Test
  void reopen_afterACrash_signsTheUnsignedTailOnClose() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    rewrite(lines.subList(0, 14)); // as if the process died before its final checkpoint
    try (AuditLog audit = AuditLog.open(log, signer, EVERY_FIVE, clock)) {
      assertEquals(14, audit.lastSequenceNumber());
    }
    assertEquals(new VerificationResult.Intact(12, 3, 0), verify());
  }

  @Test
  void reopen_tamperedLog_isRefused() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    lines.set(3, replaceOnce(lines.get(3), "[ReqID=84]", "[ReqID=85]"));
    rewrite(lines);
    CaException e = assertThrows(CaException.class, () -> AuditLog.open(log, signer, EVERY_FIVE, clock));
    assertTrue(e.detail().contains("line 4"), e.detail());
  }

  @Test
  void append_afterClose_fails() {
    AuditLog audit = AuditLog.open(log, signer, EVERY_FIVE, clock);
    audit.close();
    assertThrows(IllegalStateException.class, () -> audit.append(event(1)));
  }

  // ---- tampering, each found at the right line ----

  @Test
  void editedCharacterInAMiddleLine_isFoundAtThatLine() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    lines.set(7, replaceOnce(lines.get(7), "Signer Christina Fu", "Signer Christina Fv"));
    rewrite(lines);
    assertBrokenAt(8, "edited", verify());
  }

  /** Any one byte changed anywhere (line feeds included) is found at the line that holds it, and never throws. */
  @Test
  void anyByteChanged_isFoundAtItsLine() throws IOException {
    writeTwelveEvents();
    byte[] original = Files.readAllBytes(log);
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 400; i++) {
      int at = random.nextInt(original.length);
      byte[] changed = original.clone();
      changed[at] ^= (byte) (1 + random.nextInt(255));
      Files.write(log, changed);
      long line = 1;
      for (int j = 0; j < at; j++) {
        line += original[j] == '\n' ? 1 : 0;
      }
      VerificationResult result = verify();
      long expected = line;
      if (at == original.length - 1) {
        // The last line feed gone: the file now ends in an unfinished line, as a crash would leave it.
        assertEquals(expected, assertInstanceOf(VerificationResult.CutShort.class, result).lineNumber());
        continue;
      }
      VerificationResult.Broken broken = assertInstanceOf(VerificationResult.Broken.class, result,
          () -> "byte " + at + " changed, in line " + expected);
      assertEquals(expected, broken.lineNumber(), () -> "byte " + at + ": " + broken.reason());
    }
  }

  @Test
  void deletedLine_isFoundWhereItWas() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    lines.remove(7);
    rewrite(lines);
    assertBrokenAt(8, "sequence number 9 where 8", verify());
  }

  @Test
  void swappedLines_areFoundAtTheFirst() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    Collections.swap(lines, 7, 8);
    rewrite(lines);
    assertBrokenAt(8, "sequence number 9 where 8", verify());
  }

  @Test
  void editedLineWithTheWholeChainRecomputed_isFoundByTheNextCheckpointSignature() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    lines.set(7, replaceOnce(lines.get(7), "[ReqID=87]", "[ReqID=99]"));
    rewrite(rechain(lines, Optional.empty(), 8));
    assertBrokenAt(12, "signature", verify());
  }

  @Test
  void checkpointSignatureReplaced_isFoundAtTheCheckpoint() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    String cp = lines.get(11);
    lines.set(11, cp.replaceFirst("\\[Sig=[^\\]]+\\]", "[Sig=" + Base64.getEncoder().encodeToString(new byte[70])
        + "]"));
    rewrite(lines);
    assertBrokenAt(12, "edited", verify());
  }

  @Test
  void checkpointForgedWithAnotherKeyAndChainRecomputed_isFoundAtTheCheckpoint() throws Exception {
    writeTwelveEvents();
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair attacker = g.generateKeyPair();
    List<String> lines = lines();
    lines.set(7, replaceOnce(lines.get(7), "[ReqID=87]", "[ReqID=99]"));
    rewrite(rechain(lines, Optional.of(attacker), 8));
    assertBrokenAt(12, "signature does not verify", verify());
    // Under the attacker's own key the forged checkpoints verify, and the first one they did not forge fails.
    assertBrokenAt(6, "signature", AuditLogVerifier.verify(log, attacker.getPublic()));
  }

  @Test
  void wrongPublicKey_failsAtTheFirstCheckpoint() throws Exception {
    writeTwelveEvents();
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    assertBrokenAt(6, "signature", AuditLogVerifier.verify(log, g.generateKeyPair().getPublic()));
  }

  @Test
  void tailCutAfterTheLastCheckpoint_isIntactWithAWarning() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    rewrite(lines.subList(0, 14)); // the final checkpoint removed
    VerificationResult.Intact intact = assertInstanceOf(VerificationResult.Intact.class, verify());
    assertEquals(new VerificationResult.Intact(12, 2, 2), intact);
    assertEquals(Optional.of("2 records after the last signed checkpoint"), intact.warning());
  }

  @Test
  void syncAppended_makesEveryRecordSoFarDurable_andCheckpointsCountAsSyncs() {
    try (AuditLog audit = AuditLog.open(log, signer, EVERY_FIVE, clock)) {
      audit.append(event(1));
      audit.append(event(2));
      assertEquals(0, audit.durableThrough(), "written, not synced");
      audit.syncAppended();
      assertEquals(2, audit.durableThrough());
      audit.syncAppended();
      assertEquals(2, audit.durableThrough());
      for (int i = 3; i <= 5; i++) {
        audit.append(event(i));
      }
      assertEquals(6, audit.lastSequenceNumber(), "the fifth record brings a checkpoint");
      assertEquals(6, audit.durableThrough(), "a checkpoint is synced");
    }
  }

  @Test
  void syncAppended_fromManyThreadsAtOnce_coversEachCallersRecords() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (AuditLog audit = AuditLog.open(log, signer, new CheckpointPolicy(1000, Duration.ofHours(1), false), clock)) {
      List<Future<?>> calls = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        calls.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            audit.append(event(i));
            long mine = audit.lastSequenceNumber();
            audit.syncAppended();
            assertTrue(audit.durableThrough() >= mine, "synced through " + audit.durableThrough() + " < " + mine);
          }
          return null;
        }));
      }
      for (Future<?> call : calls) {
        call.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(new VerificationResult.Intact(400, 1, 0), verify());
  }

  /** The log of {@link #writeTwelveEvents} with its last 10 bytes gone, as a crash during the final write leaves. */
  private byte[] cutTheLastTenBytes() throws IOException {
    writeTwelveEvents();
    byte[] whole = Files.readAllBytes(log);
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 10);
    Files.write(log, cut);
    return cut;
  }

  @Test
  void lastLineCutShort_isCutShort_afterTheLinesThatVerify() throws IOException {
    byte[] cut = cutTheLastTenBytes();
    int lastLineFeed = lastIndexOf(cut, (byte) '\n');
    // Lines 1-14 verify (12 records, checkpoints 6 and 12, records 13 and 14 after it); line 15 is unfinished.
    assertEquals(new VerificationResult.CutShort(15, new VerificationResult.Intact(12, 2, 2), lastLineFeed + 1,
        cut.length - lastLineFeed - 1), verify());
  }

  @Test
  void openingALogCutShort_isRefused_namingTheRepair_andChangesNothing() throws IOException {
    byte[] cut = cutTheLastTenBytes();
    CaException e = assertThrows(CaException.class, () -> AuditLog.open(log, signer, EVERY_FIVE, clock));
    assertTrue(e.detail().contains("ends in line 15 cut short") && e.detail().contains("p11ca audit-repair"),
        e.detail());
    assertArrayEquals(cut, Files.readAllBytes(log));
  }

  @Test
  void settingAsideACutShortLine_keepsTheFragment_andTheLogGoesOnAudited() throws IOException,
      GeneralSecurityException {
    byte[] cut = cutTheLastTenBytes();
    int intact = lastIndexOf(cut, (byte) '\n') + 1;
    byte[] fragment = java.util.Arrays.copyOfRange(cut, intact, cut.length);
    AuditLog.Opened opened = AuditLog.openSettingAsideCutShortLine(log, signer, EVERY_FIVE, clock, "operator:root");
    try (AuditLog audit = opened.log()) {
      AuditLog.SetAside aside = opened.setAside().orElseThrow();
      assertEquals(15, aside.lineNumber());
      assertEquals(fragment.length, aside.bytes());
      assertArrayEquals(fragment, Files.readAllBytes(aside.file()), "the fragment, byte for byte");
      assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(fragment)), aside.sha256());
      assertEquals(log.resolveSibling("ca-audit.log.cut-short-line-15-20260115T100003Z"), aside.file());
      // The event, then a checkpoint signed at once: lines 15 and 16.
      assertEquals(16, audit.lastSequenceNumber());
      audit.append(event(13));
    }
    List<String> lines = lines();
    assertEquals(new String(cut, 0, intact, StandardCharsets.UTF_8),
        String.join("\n", lines.subList(0, 14)) + "\n", "the lines before the cut are untouched");
    assertTrue(lines.get(14).contains("[AuditEvent=AUDIT_LOG_CUT_SHORT_LINE_SET_ASIDE][SubjectID=operator:root]"
        + "[Outcome=Success][Line=15][Bytes=" + fragment.length + "]"), lines.get(14));
    assertTrue(lines.get(15).contains("[AuditEvent=AUDIT_LOG_CHECKPOINT]"), lines.get(15));
    assertEquals(new VerificationResult.Intact(14, 4, 0), verify());
  }

  @Test
  void settingAside_onAnIntactLog_doesNothing() {
    writeTwelveEvents();
    AuditLog.Opened opened = AuditLog.openSettingAsideCutShortLine(log, signer, EVERY_FIVE, clock, "operator:root");
    try (AuditLog audit = opened.log()) {
      assertEquals(Optional.empty(), opened.setAside());
      assertEquals(15, audit.lastSequenceNumber());
    }
    assertEquals(new VerificationResult.Intact(12, 3, 0), verify());
  }

  @Test
  void settingAside_refusesAnyOtherBreak_andChangesNothing() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines();
    lines.set(7, lines.get(7).replace("Signer Christina Fu", "Signer Christina Fo"));
    rewrite(lines);
    byte[] edited = Files.readAllBytes(log);
    Files.write(log, "partial record".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
    byte[] before = Files.readAllBytes(log);
    assertBrokenAt(8, "edited", verify());
    CaException e = assertThrows(CaException.class,
        () -> AuditLog.openSettingAsideCutShortLine(log, signer, EVERY_FIVE, clock, "operator:root"));
    assertTrue(e.detail().contains("does not verify at line 8"), e.detail());
    assertArrayEquals(before, Files.readAllBytes(log));
    assertTrue(edited.length < before.length);
  }

  @Test
  void settingAside_refusesATailLongerThanARecord() throws IOException {
    writeTwelveEvents();
    Files.write(log, new byte[AuditLog.MAX_CUT_SHORT_BYTES + 1], java.nio.file.StandardOpenOption.APPEND);
    byte[] before = Files.readAllBytes(log);
    CaException e = assertThrows(CaException.class,
        () -> AuditLog.openSettingAsideCutShortLine(log, signer, EVERY_FIVE, clock, "operator:root"));
    assertTrue(e.detail().contains("more than one record"), e.detail());
    assertArrayEquals(before, Files.readAllBytes(log));
  }

  private static int lastIndexOf(byte[] bytes, byte b) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void emptyLog_isIntact() throws IOException {
    Files.createDirectories(log.getParent());
    Files.writeString(log, "");
    assertEquals(new VerificationResult.Intact(0, 0, 0), verify());
  }

  @Test
  void failureReasonText_isLoggedEscapedAndVerifies() throws IOException {
    try (AuditLog audit = AuditLog.open(log, signer, EVERY_FIVE, clock)) {
      audit.append(new AuditEvent.AuthFailure("CN=x", "CMCUserSignedAuth", "bad signature]\n[Outcome=Success"));
    }
    List<String> lines = lines();
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).contains("[Info=bad signature\\]\\n\\[Outcome=Success]"), lines.get(0));
    assertEquals(new VerificationResult.Intact(1, 1, 0), verify());
  }

  /**
   * What an attacker with write access can do: recompute every hash after an edit. Checkpoints keep their old
   * signatures, or those after the edited line {@code editedSeq} are re-signed with the attacker's key.
   */
  private static List<String> rechain(List<String> lines, Optional<KeyPair> resignWith, long editedSeq) {
    List<String> out = new ArrayList<>();
    byte[] head = AuditLine.GENESIS;
    for (String s : lines) {
      AuditLine old = AuditLine.parse(s).orElseThrow();
      String text = old.text();
      if (old.isCheckpoint() && resignWith.isPresent() && old.seq() > editedSeq) {
        text = AuditLine.checkpointText("ECDSA_SHA256", "a1", Base64.getEncoder().encodeToString(
            softwareSign(resignWith.get(), AuditLine.checkpointSignedBytes(old.seq(), old.time(), head))));
      }
      AuditLine line = AuditLine.next(old.seq(), old.time(), head, text);
      String formatted = line.format();
      out.add(formatted.substring(0, formatted.length() - 1));
      head = line.hash();
    }
    return out;
  }

  private static String replaceOnce(String line, String from, String to) {
    assertTrue(line.contains(from), line);
    return line.replace(from, to);
  }

  private static byte[] softwareSign(KeyPair key, byte[] data) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key.getPrivate());
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
