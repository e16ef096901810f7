package org.p11ca.ca.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.OpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * The CA's tamper-evident audit log: one hash-chained line per event in Dogtag's {@code [AuditEvent=..][..]} text,
 * with checkpoints signed by the audit key on the token (format: {@link AuditLine}; checking:
 * {@link AuditLogVerifier}).
 *
 * <p>Every line is written straight to the file (no user-space buffer), and the file is fsync'ed at each checkpoint
 * (and per record if the policy asks). Appends are serialized, so the chain order is the file order.
 *
 * <p>Opening an existing log verifies it with the audit key's public key and continues its chain; a log that does
 * not verify is refused rather than extended, so a tampered or half-written file is noticed at start-up, not
 * blessed by the next checkpoint. This fails closed: the CA cannot start until an operator has looked at it. A log
 * whose last line a crash cut short is the one break an operator can clear in place
 * ({@link #openSettingAsideCutShortLine}), keeping the fragment and auditing that it was moved.
 *
 * <p>Once the file reaches the policy's size, the next checkpoint moves it aside ({@link AuditLogFiles}) and the log
 * goes on in a new file under the same name, first line a signed continuation of the chain ({@link AuditLine}), so
 * opening the log verifies only the current file.
 */
public final class AuditLog implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

  private final Path file;
  /** The file being appended to; replaced by a new one when the log rotates (with {@code lock} and {@code syncing}). */
  private FileChannel channel;
  private final AuditSigner signer;
  private final CheckpointPolicy policy;
  private final Clock clock;
  /**
   * Not fair: every request appends five lines or so, each holding the lock for microseconds. A fair lock hands it
   * to the longest waiter, which must first be scheduled, and on a busy machine that takes milliseconds while the
   * lock stays idle and the queue behind it grows (at 32 concurrent CMC requests on 2 cores, 2.4 threads on average
   * waited here, against 0.3 unfair). Order is not at stake: the chain order is whatever order appends take the lock.
   */
  private final ReentrantLock lock = new ReentrantLock();

  /** The highest sequence number known to be on disk; only grows. */
  private final java.util.concurrent.atomic.AtomicLong syncedThrough = new java.util.concurrent.atomic.AtomicLong();
  /** Held by the one thread whose fsync the others then share. */
  private final ReentrantLock syncing = new ReentrantLock();

  private long lastSeq;
  /** {@code lastSeq} for readers that must not take {@code lock} ({@link #syncAppended} holds {@code syncing}). */
  private volatile long lastSeqPublished;
  private byte[] head;
  private long fileBytes;
  /** When the current file's first line was written; empty while it has none. */
  private Optional<Instant> fileStartedAt;
  private long sinceCheckpoint;
  private Instant lastCheckpointAt;
  private boolean writeFailed;
  private boolean closed;

  private AuditLog(Path file, FileChannel channel, AuditSigner signer, CheckpointPolicy policy, Clock clock,
      AuditLogVerifier.Scan resumeFrom) {
    this.file = file;
    this.channel = channel;
    this.signer = signer;
    this.policy = policy;
    this.clock = clock;
    this.lastSeq = resumeFrom.lastSeq();
    this.lastSeqPublished = lastSeq;
    this.head = resumeFrom.head();
    this.sinceCheckpoint = resumeFrom.unsignedTail();
    this.lastCheckpointAt = clock.instant();
    this.fileStartedAt = resumeFrom.firstTime();
  }

  /** Opens {@code file} for appending, creating it if absent and continuing its chain if not. */
  public static AuditLog open(Path file, AuditSigner signer, CheckpointPolicy policy, Clock clock) {
    return open(file, signer, policy, clock, Optional.empty()).log();
  }

  /** The unfinished line {@link #openSettingAsideCutShortLine} moved out of the log, and where to. */
  public record SetAside(long lineNumber, long bytes, String sha256, Path file) {
  }

  /** A log opened by {@link #openSettingAsideCutShortLine}, and what was set aside, if anything. */
  public record Opened(AuditLog log, Optional<SetAside> setAside) {
  }

  /**
   * As {@link #open}, except that a log ending in a line a crash cut short ({@link VerificationResult.CutShort}) is
   * not refused: the fragment goes to a new file beside the log (synced before the log is touched), the log is cut
   * back to its last whole line, and the first record appended says so, by {@code operator}, under a checkpoint
   * signed at once. Any other break is refused as {@link #open} refuses it: that is for a person to look into.
   */
  public static Opened openSettingAsideCutShortLine(Path file, AuditSigner signer, CheckpointPolicy policy,
      Clock clock, String operator) {
    return open(file, signer, policy, clock, Optional.of(operator));
  }

  /** The longest fragment taken for one record cut short; anything longer is not what a crash leaves. */
  static final int MAX_CUT_SHORT_BYTES = 64 * 1024;

  private static Opened open(Path file, AuditSigner signer, CheckpointPolicy policy, Clock clock,
      Optional<String> settingAsideFor) {
    Objects.requireNonNull(signer);
    Objects.requireNonNull(policy);
    Objects.requireNonNull(clock);
    AuditLogVerifier.Scan resume = AuditLogVerifier.Scan.empty();
    FileChannel channel = null;
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      // One writer per log: a second process appending to the same chain would fork it, and the log would no
      // longer verify. The lock is taken before the scan, so nobody appends while the chain head is read.
      if (!exclusive(channel)) {
        throw new CaException(FailInfo.INTERNAL_CA_ERROR, "audit log " + file + " is in use by another process"
            + " (is the CA server running? stop it first)");
      }
      Optional<SetAside> setAside = Optional.empty();
      if (Files.size(file) > 0) {
        resume = AuditLogVerifier.scan(file, signer.publicKey());
        if (resume.result() instanceof VerificationResult.Broken broken) {
          throw new CaException(FailInfo.INTERNAL_CA_ERROR, "audit log " + file + " does not verify at line "
              + broken.lineNumber() + " (" + broken.reason() + "); refusing to append to it");
        }
        if (resume.result() instanceof VerificationResult.CutShort cut) {
          if (settingAsideFor.isEmpty() || cut.cutBytes() > MAX_CUT_SHORT_BYTES) {
            throw new CaException(FailInfo.INTERNAL_CA_ERROR, "audit log " + file + " ends in line "
                + cut.lineNumber() + " cut short (" + cut.cutBytes() + " bytes without a line feed, as a crash"
                + " during a write leaves); the lines before it verify. "
                + (settingAsideFor.isEmpty() ? "Set the fragment aside with p11ca audit-repair, then start again"
                    : "That is more than one record; refusing to set it aside"));
          }
          setAside = Optional.of(setAside(file, channel, cut, clock));
        }
      }
      Optional<Path> continuing = Optional.empty();
      if (resume.lastSeq() == 0) {
        List<Path> rotated = AuditLogFiles.rotated(file);
        if (!rotated.isEmpty()) {
          continuing = Optional.of(rotated.get(rotated.size() - 1));
          resume = resumeFromRotated(continuing.get(), signer);
        }
      }
      AuditLog log = new AuditLog(file, channel, signer, policy, clock, resume);
      log.fileBytes = channel.size();
      if (continuing.isPresent()) {
        // A rotation cut off between moving the full file away and starting the new one, or a log file removed.
        LOG.log(System.Logger.Level.WARNING, "audit log " + file + " holds no records; continuing the chain of "
            + continuing.get().getFileName() + " (record " + resume.lastSeq() + ")");
        log.lock.lock();
        try {
          log.fileStartedAt = Optional.empty(); // the scan's was the rotated file's
          log.writeContinuation(continuing.get().getFileName().toString());
        } finally {
          log.lock.unlock();
        }
      }
      if (setAside.isPresent()) {
        SetAside s = setAside.get();
        log.append(new AuditEvent.AuditLogCutShortLineSetAside(settingAsideFor.get(), s.lineNumber(), s.bytes(),
            s.sha256(), s.file().toString()));
        log.checkpoint();
      }
      return new Opened(log, setAside);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      if (e instanceof CaException ca) {
        throw ca;
      }
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot open audit log " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Copies the unfinished line to {@code <log>.cut-short-line-<n>-<time>} (never over an existing file), syncs it,
   * then cuts the log back to its last whole line and syncs that: a crash in between leaves the fragment in both
   * places, never in neither.
   */
  private static SetAside setAside(Path file, FileChannel log, VerificationResult.CutShort cut, Clock clock)
      throws IOException {
    byte[] fragment = new byte[(int) cut.cutBytes()];
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.wrap(fragment);
      while (buffer.hasRemaining()) {
        if (in.read(buffer, cut.intactBytes() + buffer.position()) < 0) {
          throw new IOException("the file got shorter while the cut-short line was read");
        }
      }
    }
    String stamp = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
        .format(clock.instant());
    Path aside = file.resolveSibling(file.getFileName() + ".cut-short-line-" + cut.lineNumber() + "-" + stamp);
    Set<OpenOption> create = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (FileChannel out = Files.getFileAttributeView(file, PosixFileAttributeView.class) == null
        ? FileChannel.open(aside, create)
        : FileChannel.open(aside, create, PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(file)))) {
      ByteBuffer buffer = ByteBuffer.wrap(fragment);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    log.truncate(cut.intactBytes());
    log.force(true);
    String sha256;
    try {
      sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(fragment));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    return new SetAside(cut.lineNumber(), fragment.length, sha256, aside);
  }

  private static AuditLogVerifier.Scan resumeFromRotated(Path rotated, AuditSigner signer) {
    AuditLogVerifier.Scan scan = AuditLogVerifier.scan(rotated, signer.publicKey());
    String problem = scan.result() instanceof VerificationResult.Broken broken
        ? "does not verify at line " + broken.lineNumber() + " (" + broken.reason() + ")"
        : scan.result() instanceof VerificationResult.CutShort cut
            ? "ends in line " + cut.lineNumber() + " cut short" : "";
    if (!problem.isEmpty()) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the log's name holds no records and the newest file it was"
          + " rotated into, " + rotated + ", " + problem + "; refusing to continue its chain");
    }
    return scan;
  }

  private static boolean exclusive(FileChannel channel) throws IOException {
    try {
      return channel.tryLock() != null;
    } catch (java.nio.channels.OverlappingFileLockException e) {
      return false;
    }
  }

  /**
   * Appends one event, then a signed checkpoint if the policy says one is due.
   *
   * @throws CaException INTERNAL_CA_ERROR when the event cannot be written or the checkpoint cannot be signed; the
   *     caller must not carry on as if the event were audited (a CA that cannot audit should stop)
   */
  public void append(AuditEvent event) {
    String text = AuditLine.eventText(Objects.requireNonNull(event));
    lock.lock();
    try {
      ensureWritable();
      Instant now = clock.instant();
      write(AuditLine.next(lastSeq + 1, now, head, text), policy.syncEveryRecord());
      sinceCheckpoint++;
      if (sinceCheckpoint >= policy.everyRecords()
          || Duration.between(lastCheckpointAt, now).compareTo(policy.maxInterval()) >= 0) {
        writeCheckpoint(true);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Signs a checkpoint now if any record is not yet covered by one (for example from a scheduled task). */
  public void checkpoint() {
    lock.lock();
    try {
      ensureWritable();
      if (sinceCheckpoint > 0) {
        writeCheckpoint(true);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns once every record appended so far is on disk. Callers that ask at once share one fsync: the first
   * syncs through whatever has been appended by then, and those that waited for it find their records covered.
   * Between checkpoints the log is otherwise only written, not synced, so this is what lets a caller answer
   * someone only after the records of what it answers would survive a power cut.
   *
   * @throws CaException INTERNAL_CA_ERROR when the file cannot be synced
   */
  public void syncAppended() {
    long wanted = lastSequenceNumber();
    if (syncedThrough.get() >= wanted) {
      return;
    }
    syncing.lock();
    try {
      if (syncedThrough.get() >= wanted) {
        return;
      }
      // Read before the fsync: everything written up to this number is covered by it, later lines perhaps not.
      long through = lastSequenceNumber();
      channel.force(false);
      syncedThrough.accumulateAndGet(through, Math::max);
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "syncing audit log " + file + " failed: " + e.getMessage(),
          e);
    } finally {
      syncing.unlock();
    }
  }

  /** The number of the last line known to be on disk (synced by {@link #syncAppended} or a checkpoint). */
  public long durableThrough() {
    return syncedThrough.get();
  }

  /** The number of the last line written (checkpoints included). */
  public long lastSequenceNumber() {
    return lastSeqPublished;
  }

  /** Signs a final checkpoint over any records not yet covered, syncs and closes the file. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      try {
        if (!writeFailed && sinceCheckpoint > 0) {
          writeCheckpoint(false);
        }
      } finally {
        closed = true;
        try {
          channel.close();
        } catch (IOException e) {
          throw new CaException(FailInfo.INTERNAL_CA_ERROR, "closing audit log " + file + ": " + e.getMessage(), e);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void writeCheckpoint(boolean mayRotate) {
    long seq = lastSeq + 1;
    Instant now = clock.instant();
    writeSignedLine("checkpoint", seq, now, AuditLine.checkpointSignedBytes(seq, now, head),
        sig -> AuditLine.checkpointText(signer.algorithm().name(), signer.keyId(), sig));
    if (mayRotate && policy.rotationDue(fileBytes, fileStartedAt.orElse(now), now)) {
      rotate();
    }
  }

  /** The first line of a file that continues {@code previousFile}: signed, so the file can be checked on its own. */
  private void writeContinuation(String previousFile) {
    long seq = lastSeq + 1;
    Instant now = clock.instant();
    writeSignedLine("continuation", seq, now, AuditLine.continuationSignedBytes(seq, now, head, previousFile),
        sig -> AuditLine.continuationText(previousFile, signer.algorithm().name(), signer.keyId(), sig));
  }

  /** Signs {@code signed} with the audit key and writes, synced, the line {@code text} makes around the signature. */
  private void writeSignedLine(String what, long seq, Instant now, byte[] signed,
      java.util.function.Function<String, String> text) {
    byte[] signature;
    try {
      signature = signer.sign(signed);
    } catch (RuntimeException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "signing audit " + what + " " + seq + " with key "
          + signer.keyId() + " failed: " + e.getMessage(), e);
    }
    write(AuditLine.next(seq, now, head, text.apply(Base64.getEncoder().encodeToString(signature))), true);
    sinceCheckpoint = 0;
    lastCheckpointAt = now;
  }

  /**
   * Moves the full file, which ends in the checkpoint just synced, to {@link AuditLogFiles#nextRotatedName} and goes
   * on in a new file under the log's name whose first line continues the chain. A crash in between leaves the log's
   * name free or holding part of that line; the next open continues from the rotated file either way.
   */
  private void rotate() {
    syncing.lock();
    try {
      Path rotated = AuditLogFiles.nextRotatedName(file, clock.instant());
      Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
      FileChannel next = Files.getFileAttributeView(rotated, PosixFileAttributeView.class) == null
          ? FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
          : FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
              StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(rotated)));
      if (!exclusive(next)) {
        next.close();
        throw new IOException("the new file was locked by another process as soon as it was made");
      }
      FileChannel full = channel;
      channel = next;
      fileBytes = 0;
      fileStartedAt = Optional.empty();
      writeContinuation(rotated.getFileName().toString());
      syncDirectory(file);
      full.close();
    } catch (IOException | CaException e) {
      // The log's name may now be free, or hold a new file without its continuation: nothing may be appended.
      writeFailed = true;
      String reason = e instanceof CaException ca ? ca.detail() : e.getMessage();
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "rotating audit log " + file + " failed: " + reason, e);
    } finally {
      syncing.unlock();
    }
  }

  /** Makes a rename and a new file in the log's directory durable (on Linux, fsync of the directory). */
  private static void syncDirectory(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the files themselves are synced, and the next open recovers.
      LOG.log(System.Logger.Level.DEBUG, "cannot sync directory " + dir + ": " + e.getMessage());
    }
  }

  private void write(AuditLine line, boolean sync) {
    ByteBuffer bytes = ByteBuffer.wrap(line.format().getBytes(StandardCharsets.UTF_8));
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      if (sync) {
        channel.force(false);
        syncedThrough.accumulateAndGet(line.seq(), Math::max);
      }
    } catch (IOException e) {
      // The file may now end in part of a line; appending more would chain onto garbage.
      writeFailed = true;
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "writing audit log " + file + " failed: " + e.getMessage(), e);
    }
    lastSeq = line.seq();
    lastSeqPublished = lastSeq;
    head = line.hash();
    fileBytes += bytes.capacity();
    if (fileStartedAt.isEmpty()) {
      fileStartedAt = Optional.of(line.time());
    }
  }

  private void ensureWritable() {
    if (closed) {
      throw new IllegalStateException("audit log " + file + " is closed");
    }
    if (writeFailed) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "audit log " + file + " failed earlier; reopen it");
    }
  }
}
