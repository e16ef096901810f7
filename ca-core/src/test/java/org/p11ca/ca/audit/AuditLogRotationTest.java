package org.p11ca.ca.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.p11ca.ca.error.CaException;

/** A log that rotates into files of its own, each checkable alone and all as one chain; the audit key on SoftHSM. */
class AuditLogRotationTest extends AuditLogFixture {

  /** A checkpoint every five records, and a rotation at every checkpoint but the closing one. */
  private static final CheckpointPolicy ROTATE_AT_EVERY_CHECKPOINT = new CheckpointPolicy(5, Duration.ofHours(1),
      false, 1);

  /**
   * Twelve events, 250 ms apart: checkpoint 6 ends the first file, the second runs from its continuation 7 to
   * checkpoint 13, and the log goes on from continuation 14 to the closing checkpoint 17.
   */
  private void writeTwelveEvents() {
    writeEvents(12, Duration.ofMillis(250));
  }

  private void writeEvents(int count, Duration apart) {
    try (AuditLog audit = AuditLog.open(log, signer, ROTATE_AT_EVERY_CHECKPOINT, clock)) {
      for (int i = 1; i <= count; i++) {
        audit.append(event(i));
        clock.advance(apart);
      }
    }
  }

  private static List<String> lines(Path file) throws IOException {
    List<String> out = new ArrayList<>(List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1)));
    assertEquals("", out.remove(out.size() - 1), "ends with a line feed");
    return out;
  }

  private AuditLogVerifier.TrailCheck trail() {
    return AuditLogVerifier.verifyTrail(log, auditPublicKey);
  }

  @Test
  void rotatesAtACheckpointOnceTheFileIsFull_eachFileVerifiesAlone_andAllAsOneChain() throws IOException {
    writeTwelveEvents();

    List<Path> rotated = AuditLogFiles.rotated(log);
    assertEquals(List.of(log.resolveSibling("ca-audit.log.20260115T100001Z"),
        log.resolveSibling("ca-audit.log.20260115T100002Z")), rotated);
    List<String> first = lines(rotated.get(0));
    assertEquals(6, first.size());
    assertTrue(first.get(5).startsWith("6|") && first.get(5).contains("[AuditEvent=AUDIT_LOG_CHECKPOINT]"),
        "a rotated file ends in a signed checkpoint: " + first.get(5));
    List<String> second = lines(rotated.get(1));
    assertTrue(second.get(0).startsWith("7|") && second.get(0).contains("[AuditEvent=AUDIT_LOG_CONTINUED]")
        && second.get(0).contains("[PreviousFile=ca-audit.log.20260115T100001Z]"), second.get(0));
    assertTrue(lines(log).get(0).contains("[PreviousFile=ca-audit.log.20260115T100002Z]"), lines(log).get(0));

    assertEquals(new VerificationResult.Intact(5, 1, 0), AuditLogVerifier.verify(rotated.get(0), auditPublicKey));
    assertEquals(new VerificationResult.Intact(5, 2, 0), AuditLogVerifier.verify(rotated.get(1), auditPublicKey),
        "a continued file checks on its own: its continuation is signed");
    assertEquals(new VerificationResult.Intact(2, 2, 0), AuditLogVerifier.verify(log, auditPublicKey));

    AuditLogVerifier.TrailCheck trail = trail();
    assertTrue(trail.intact(), trail.toString());
    assertEquals(List.of(1L, 7L, 14L), trail.files().stream().map(AuditLogVerifier.FileCheck::firstSeq).toList());
    assertEquals(List.of(6L, 13L, 17L), trail.files().stream().map(AuditLogVerifier.FileCheck::lastSeq).toList());
    assertEquals(Optional.of("ca-audit.log.20260115T100002Z"), trail.files().get(2).continues());
  }

  @Test
  void reopened_continuesTheChainInTheCurrentFile() throws IOException {
    writeTwelveEvents();
    try (AuditLog audit = AuditLog.open(log, signer, ROTATE_AT_EVERY_CHECKPOINT, clock)) {
      assertEquals(17, audit.lastSequenceNumber());
      audit.append(event(13));
    }
    AuditLogVerifier.TrailCheck trail = trail();
    assertTrue(trail.intact(), trail.toString());
    assertEquals(3, trail.files().size());
    assertEquals(19L, trail.files().get(2).lastSeq());
  }

  @Test
  void aRotatedFileMissingInTheMiddle_isAGap_theOldestArchivedAway_isNot() throws IOException {
    writeTwelveEvents();
    List<Path> rotated = AuditLogFiles.rotated(log);
    Path archive = dir.resolve("archived");
    Files.move(rotated.get(1), archive);
    AuditLogVerifier.TrailCheck gap = trail();
    assertFalse(gap.intact());
    assertTrue(gap.gap().orElseThrow().contains("ca-audit.log starts at record 14 but ca-audit.log.20260115T100001Z"
        + " ends at record 6: the records between are missing"), gap.gap().orElseThrow());

    Files.move(archive, rotated.get(1));
    Files.delete(rotated.get(0));
    AuditLogVerifier.TrailCheck archived = trail();
    assertTrue(archived.intact(), archived.toString());
    assertEquals(Optional.of("ca-audit.log.20260115T100001Z"), archived.files().get(0).continues());
  }

  @Test
  void aFileWhoseFrontWasCutAtACheckpoint_doesNotVerify() throws IOException {
    try (AuditLog audit = AuditLog.open(log, signer, new CheckpointPolicy(5, Duration.ofHours(1), false, 0),
        clock)) {
      for (int i = 1; i <= 12; i++) {
        audit.append(event(i));
      }
    }
    List<String> lines = lines(log);
    // Line 6 is a signed checkpoint; a file starting there would pass for a later part of the log were it accepted.
    Files.writeString(log, String.join("\n", lines.subList(5, lines.size())) + "\n", StandardCharsets.UTF_8);
    VerificationResult.Broken broken = assertInstanceOf(VerificationResult.Broken.class,
        AuditLogVerifier.verify(log, auditPublicKey));
    assertEquals(1, broken.lineNumber());
    assertTrue(broken.reason().contains("sequence number 6 where 1 was expected"), broken.reason());
  }

  @Test
  void rotatedFilesJoinedIntoOne_doNotVerify_aContinuationIsOnlyAFirstLine() throws IOException {
    writeTwelveEvents();
    List<Path> rotated = AuditLogFiles.rotated(log);
    Path joined = dir.resolve("joined.log");
    Files.write(joined, Files.readAllBytes(rotated.get(0)));
    Files.write(joined, Files.readAllBytes(rotated.get(1)), java.nio.file.StandardOpenOption.APPEND);
    VerificationResult.Broken broken = assertInstanceOf(VerificationResult.Broken.class,
        AuditLogVerifier.verify(joined, auditPublicKey));
    assertEquals(7, broken.lineNumber());
    assertTrue(broken.reason().contains("only a file's first line"), broken.reason());
  }

  @Test
  void aContinuationWithAnotherSignature_doesNotVerify() throws IOException {
    writeTwelveEvents();
    List<String> lines = lines(log);
    String checkpointSig = lines.get(lines.size() - 1).replaceAll(".*\\[Sig=([^\\]]+)\\].*", "$1");
    String forged = lines.get(0).replaceAll("\\[Sig=[^\\]]+\\]", "[Sig=" + checkpointSig + "]");
    lines.set(0, forged);
    Files.writeString(log, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    VerificationResult.Broken broken = assertInstanceOf(VerificationResult.Broken.class,
        AuditLogVerifier.verify(log, auditPublicKey));
    assertEquals(1, broken.lineNumber());
    assertTrue(broken.reason().contains("continuation signature does not verify"), broken.reason());
  }

  @Test
  void aCrashAfterTheFullFileWasMovedAway_opensByContinuingItsChain() throws IOException {
    writeEvents(5, Duration.ofMillis(250)); // checkpoint 6, rotation, continuation 7, nothing after it
    assertEquals(1, lines(log).size());
    Files.delete(log); // as if the crash came between the move and the new file's first line
    try (AuditLog audit = AuditLog.open(log, signer, ROTATE_AT_EVERY_CHECKPOINT, clock)) {
      assertEquals(7, audit.lastSequenceNumber(), "the continuation is written again");
      audit.append(event(6));
    }
    assertTrue(lines(log).get(0).startsWith("7|"));
    AuditLogVerifier.TrailCheck trail = trail();
    assertTrue(trail.intact(), trail.toString());
    assertEquals(List.of(6L, 9L), trail.files().stream().map(AuditLogVerifier.FileCheck::lastSeq).toList());
  }

  @Test
  void noCurrentFile_andTheNewestRotatedOneEdited_isRefused_notContinued() throws IOException {
    writeEvents(5, Duration.ofMillis(250));
    Files.delete(log);
    Path rotated = AuditLogFiles.rotated(log).get(0);
    List<String> lines = lines(rotated);
    lines.set(2, lines.get(2).replace("Outcome=Success", "Outcome=Failure"));
    Files.writeString(rotated, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    CaException refused = assertThrows(CaException.class,
        () -> AuditLog.open(log, signer, ROTATE_AT_EVERY_CHECKPOINT, clock));
    assertTrue(refused.detail().contains(rotated + ", does not verify at line 3")
        && refused.detail().endsWith("refusing to continue its chain"), refused.detail());
    assertEquals(0, Files.size(log), "nothing written to the new file");
  }

  @Test
  void aCrashWhileTheContinuationWasWritten_isSetAsideByRepair_andTheChainGoesOn() throws IOException {
    writeEvents(5, Duration.ofMillis(250));
    byte[] whole = Files.readAllBytes(log);
    Files.write(log, java.util.Arrays.copyOf(whole, 40));
    CaException refused = assertThrows(CaException.class,
        () -> AuditLog.open(log, signer, ROTATE_AT_EVERY_CHECKPOINT, clock));
    assertTrue(refused.detail().contains("audit-repair"), refused.detail());

    // Not rotating now, or the repair's own checkpoint would move the file it repaired away at once.
    AuditLog.Opened opened = AuditLog.openSettingAsideCutShortLine(log, signer, CheckpointPolicy.defaults(), clock,
        "operator");
    opened.log().close();
    assertEquals(1, opened.setAside().orElseThrow().lineNumber());
    List<String> lines = lines(log);
    assertTrue(lines.get(0).startsWith("7|") && lines.get(0).contains("AUDIT_LOG_CONTINUED"), lines.get(0));
    assertTrue(lines.get(1).contains("AUDIT_LOG_CUT_SHORT_LINE_SET_ASIDE"), lines.get(1));
    AuditLogVerifier.TrailCheck trail = trail();
    assertTrue(trail.intact(), trail.toString());
  }

  @Test
  void manyRotationsInOneSecond_getNumberedNames_inTheOrderTheyWereMade() {
    writeEvents(60, Duration.ZERO); // twelve rotations, all at 10:00:00
    List<String> names = AuditLogFiles.rotated(log).stream().map(p -> p.getFileName().toString()).toList();
    assertEquals(12, names.size());
    assertEquals("ca-audit.log.20260115T100000Z", names.get(0));
    assertEquals("ca-audit.log.20260115T100000Z-2", names.get(1));
    assertEquals("ca-audit.log.20260115T100000Z-10", names.get(9), "-10 comes after -9, not after the first");
    AuditLogVerifier.TrailCheck trail = trail();
    assertTrue(trail.intact(), trail.toString());
    assertEquals(60L, trail.files().stream().mapToLong(f -> ((VerificationResult.Intact) f.result()).records())
        .sum());
  }

  /** Rotations while other threads append and wait for their records to be synced, as under a CA's load. */
  @Test
  void rotatingUnderConcurrentAppendsAndSyncs_losesNothing_andEveryFileChains() throws Exception {
    CheckpointPolicy small = new CheckpointPolicy(10, Duration.ofHours(1), false, 4096);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try (AuditLog audit = AuditLog.open(log, signer, small, clock)) {
      List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        calls.add(pool.submit(() -> {
          for (int i = 0; i < 100; i++) {
            audit.append(event(i));
            long mine = audit.lastSequenceNumber();
            audit.syncAppended();
            assertTrue(audit.durableThrough() >= mine, "synced through " + audit.durableThrough() + " < " + mine);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> call : calls) {
        call.get();
      }
    } finally {
      pool.shutdown();
    }
    AuditLogVerifier.TrailCheck trail = trail();
    assertTrue(trail.intact(), trail.gap() + " " + trail.files().stream().map(f -> f.file().getFileName() + " "
        + f.result()).toList());
    assertTrue(trail.files().size() > 10, "rotated " + (trail.files().size() - 1) + " times");
    assertEquals(800L, trail.files().stream().mapToLong(f -> ((VerificationResult.Intact) f.result()).records())
        .sum());
  }

  /** A quiet CA: the file is rotated once its first record is a period old, at the next checkpoint, across restarts. */
  @Test
  void rotatesByAge_atTheFirstCheckpointOnceTheFileIsAPeriodOld_acrossARestart() {
    CheckpointPolicy monthly = new CheckpointPolicy(5, Duration.ofHours(1), false, 0, Duration.ofDays(30));
    try (AuditLog audit = AuditLog.open(log, signer, monthly, clock)) {
      for (int i = 1; i <= 10; i++) {
        audit.append(event(i));
        clock.advance(Duration.ofDays(1));
      }
    }
    assertEquals(List.of(), AuditLogFiles.rotated(log), "ten days old: not yet");
    clock.advance(Duration.ofDays(25));
    try (AuditLog audit = AuditLog.open(log, signer, monthly, clock)) {
      for (int i = 11; i <= 15; i++) {
        audit.append(event(i));
      }
      assertEquals(1, AuditLogFiles.rotated(log).size(), "the first record is 35 days old at this checkpoint");
      for (int i = 16; i <= 20; i++) {
        audit.append(event(i));
      }
    }
    assertEquals(1, AuditLogFiles.rotated(log).size(), "the new file is young: its own start counts, not the old one's");
    clock.advance(Duration.ofDays(31));
    try (AuditLog audit = AuditLog.open(log, signer, monthly, clock)) {
      for (int i = 21; i <= 25; i++) {
        audit.append(event(i));
      }
    }
    assertEquals(2, AuditLogFiles.rotated(log).size());
    AuditLogVerifier.TrailCheck trail = trail();
    assertTrue(trail.intact(), trail.toString());
    assertEquals(25L, trail.files().stream().mapToLong(f -> ((VerificationResult.Intact) f.result()).records())
        .sum());
  }

  @Test
  void aPolicyOfZero_neverRotates() {
    try (AuditLog audit = AuditLog.open(log, signer, new CheckpointPolicy(5, Duration.ofHours(1), false, 0,
        Duration.ZERO), clock)) {
      for (int i = 1; i <= 30; i++) {
        audit.append(event(i));
        clock.advance(Duration.ofDays(100));
      }
    }
    assertEquals(List.of(), AuditLogFiles.rotated(log));
    assertEquals(CheckpointPolicy.DEFAULT_ROTATE_AFTER_BYTES, CheckpointPolicy.defaults().rotateAfterBytes());
    assertEquals(Duration.ofDays(30), CheckpointPolicy.defaults().rotateEvery());
  }
}
