package org.p11ca.ca.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.hsm.SignatureAlgorithm;

/**
 * Checks an audit log written by {@link AuditLog}: every line in sequence, linked to the one before, hashed as its
 * content says, and every checkpoint signed by the audit key. Reports the first line that fails.
 *
 * <p>The hash chain alone proves nothing against someone who can write the file: they can recompute it after an
 * edit. What it buys is that one signature vouches for everything before it, so the signed checkpoints are what
 * make the log tamper-evident, and the records after the last one are only as good as the file's permissions.
 */
public final class AuditLogVerifier {

  // Bouncy Castle knows every name SignatureAlgorithm.jcaName() uses, including the PSS ones the JDK spells
  // differently.
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private AuditLogVerifier() {
  }

  /**
   * Checks one file of the log. Line numbers in the result count the file's lines from 1; in a file that continues
   * a rotated one they differ from the records' sequence numbers.
   */
  public static VerificationResult verify(Path log, PublicKey auditKey) {
    return scan(log, auditKey).result();
  }

  /**
   * One file of the log as checked: its result, the sequence numbers of its first and last lines (0 for an empty
   * file), and the file it says it continues (a rotated log's name, when its first line is a continuation).
   */
  public record FileCheck(Path file, VerificationResult result, long firstSeq, long lastSeq,
      Optional<String> continues) {
  }

  /** Checks one file of the log, and says where in the chain it stands. */
  public static FileCheck check(Path file, PublicKey auditKey) {
    Scan scan = scan(file, auditKey);
    return new FileCheck(file, scan.result(), scan.firstSeq(), scan.lastSeq(), scan.continues());
  }

  /**
   * A log with the files rotated away from it, oldest first: each checked, and each linked to the one before.
   *
   * @param gap where the chain between two files is broken (a file missing, or out of place), if it is
   */
  public record TrailCheck(List<FileCheck> files, Optional<String> gap) {
    /** Every file intact and every one continuing the one before it. */
    public boolean intact() {
      return gap.isEmpty() && files.stream().allMatch(f -> f.result() instanceof VerificationResult.Intact);
    }
  }

  /**
   * Checks {@code log} and the files rotated away from it ({@link AuditLogFiles#rotated}), oldest first, stopping
   * at the first file that does not verify or does not continue the chain where the file before it ended. The
   * oldest file present may continue one no longer there (an operator archives old files); that is not a gap.
   */
  public static TrailCheck verifyTrail(Path log, PublicKey auditKey) {
    List<Path> files = new ArrayList<>(AuditLogFiles.rotated(log));
    if (Files.exists(log)) {
      files.add(log);
    }
    List<FileCheck> checked = new ArrayList<>();
    Scan before = null;
    for (Path file : files) {
      Scan scan = scan(file, auditKey);
      checked.add(new FileCheck(file, scan.result(), scan.firstSeq(), scan.lastSeq(), scan.continues()));
      if (!(scan.result() instanceof VerificationResult.Intact)) {
        return new TrailCheck(checked, Optional.empty());
      }
      if (before != null && scan.lastSeq() > 0
          && (scan.firstSeq() != before.lastSeq() + 1 || !Arrays.equals(scan.startHead(), before.head()))) {
        Path previous = checked.get(checked.size() - 2).file();
        return new TrailCheck(checked, Optional.of(file.getFileName() + " starts at record " + scan.firstSeq()
            + " but " + previous.getFileName() + " ends at record " + before.lastSeq()
            + (scan.firstSeq() > before.lastSeq() + 1 ? ": the records between are missing (a rotated file deleted?)"
                : ": they do not link (a file replaced or out of place)")));
      }
      if (scan.lastSeq() > 0) {
        before = scan;
      }
    }
    return new TrailCheck(checked, Optional.empty());
  }

  /**
   * Where the chain stands after the last good line, what {@link AuditLog} resumes from; and where it started in
   * this file ({@code firstSeq} 0 and the genesis head for an empty file), and when its first line was written.
   */
  record Scan(VerificationResult result, long lastSeq, byte[] head, long unsignedTail, long firstSeq,
      byte[] startHead, Optional<String> continues, Optional<Instant> firstTime) {

    /** The chain before any line: a new log's start. */
    static Scan empty() {
      return new Scan(new VerificationResult.Intact(0, 0, 0), 0, AuditLine.GENESIS, 0, 0, AuditLine.GENESIS,
          Optional.empty(), Optional.empty());
    }
  }

  static Scan scan(Path log, PublicKey auditKey) {
    long expectedSeq = 1;
    byte[] head = AuditLine.GENESIS;
    long firstSeq = 0;
    byte[] startHead = AuditLine.GENESIS;
    Optional<String> continues = Optional.empty();
    Optional<Instant> firstTime = Optional.empty();
    long records = 0;
    long checkpoints = 0;
    long unsigned = 0;
    long lineStart = 0;
    long lineNumber = 0;
    MessageDigest sha256 = AuditLine.sha256();
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (InputStream in = Files.newInputStream(log)) {
      LineReader lines = new LineReader(in);
      while (true) {
        lineNumber++;
        boolean whole = lines.next();
        if (!whole) {
          VerificationResult.Intact sofar = new VerificationResult.Intact(records, checkpoints, unsigned);
          VerificationResult end = lines.length() == 0 ? sofar
              : new VerificationResult.CutShort(lineNumber, sofar, lineStart, lines.length());
          return new Scan(end, expectedSeq - 1, head, unsigned, firstSeq, startHead, continues, firstTime);
        }
        lineStart += lines.length() + 1;
        Optional<String> text = decode(utf8, lines);
        Optional<AuditLine> parsed = text.flatMap(AuditLine::parse);
        Optional<String> bad = Optional.empty();
        if (parsed.isEmpty()) {
          bad = Optional.of("not an audit record line");
        } else if (parsed.get().isContinuation()) {
          AuditLine line = parsed.get();
          if (lineNumber != 1) {
            bad = Optional.of("a continuation record, which only a file's first line may be");
          } else {
            // The signature vouches for where the chain stood, so the file can be checked without its predecessor.
            bad = checkSignature(line, auditKey, AuditLine.continuationSignedBytes(line.seq(), line.time(),
                line.prev(), line.field("PreviousFile").orElse("")), "continuation");
            expectedSeq = line.seq();
            head = line.prev();
            continues = line.field("PreviousFile");
          }
        }
        if (bad.isEmpty()) {
          bad = checkLink(sha256, parsed.get(), expectedSeq, head);
        }
        if (bad.isEmpty() && parsed.get().isCheckpoint()) {
          AuditLine line = parsed.get();
          bad = checkSignature(line, auditKey, AuditLine.checkpointSignedBytes(line.seq(), line.time(), line.prev()),
              "checkpoint");
        }
        if (bad.isPresent()) {
          return new Scan(new VerificationResult.Broken(lineNumber, bad.get()), expectedSeq - 1, head, unsigned,
              firstSeq, startHead, continues, firstTime);
        }
        AuditLine line = parsed.get();
        if (lineNumber == 1) {
          firstSeq = line.seq();
          startHead = line.prev();
          firstTime = Optional.of(line.time());
        }
        if (line.isCheckpoint() || line.isContinuation()) {
          checkpoints++;
          unsigned = 0;
        } else {
          records++;
          unsigned++;
        }
        head = line.hash();
        expectedSeq++;
      }
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot read audit log " + log + ": " + e.getMessage(), e);
    }
  }

  private static Optional<String> checkLink(MessageDigest sha256, AuditLine line, long expectedSeq, byte[] head) {
    if (line.seq() != expectedSeq) {
      return Optional.of("sequence number " + line.seq() + " where " + expectedSeq
          + " was expected: a line was deleted, inserted or moved");
    }
    if (!Arrays.equals(line.prev(), head)) {
      return Optional.of("link to the previous record does not match the chain: a line before it was changed or"
          + " removed");
    }
    if (!Arrays.equals(line.hash(), AuditLine.chainHash(sha256, head, line.seq(), line.time(), line.text()))) {
      return Optional.of("record hash does not match its content: the line was edited");
    }
    return Optional.empty();
  }

  private static Optional<String> checkSignature(AuditLine line, PublicKey auditKey, byte[] signed, String what) {
    Optional<String> alg = line.field("SignAlg");
    Optional<String> sig = line.field("Sig");
    if (alg.isEmpty() || sig.isEmpty()) {
      return Optional.of(what + " without SignAlg or Sig");
    }
    try {
      SignatureAlgorithm algorithm = SignatureAlgorithm.parse(alg.get());
      Signature verifier = Signature.getInstance(algorithm.jcaName(), BC);
      verifier.initVerify(auditKey);
      verifier.update(signed);
      if (verifier.verify(Base64.getDecoder().decode(sig.get()))) {
        return Optional.empty();
      }
      return Optional.of(what + " signature does not verify with the audit key");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Optional.of(what + " signature does not verify with the audit key: " + e.getMessage());
    }
  }

  private static Optional<String> decode(CharsetDecoder utf8, LineReader line) {
    try {
      return Optional.of(utf8.reset().decode(ByteBuffer.wrap(line.bytes(), 0, line.length())).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /**
   * The file's lines, read in large blocks into one buffer that is reused: a log holds hundreds of thousands of them,
   * and reading it byte by byte through synchronized streams took most of a start's time.
   */
  private static final class LineReader {
    private final InputStream in;
    private final byte[] block = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[512];
    private int length;

    LineReader(InputStream in) {
      this.in = in;
    }

    /** Reads the next line; false at the end of the file, with whatever follows the last line feed in the buffer. */
    boolean next() throws IOException {
      length = 0;
      while (true) {
        if (position == limit) {
          limit = in.read(block);
          position = 0;
          if (limit <= 0) {
            limit = 0;
            return false;
          }
        }
        int feed = position;
        while (feed < limit && block[feed] != '\n') {
          feed++;
        }
        append(position, feed - position);
        if (feed < limit) {
          position = feed + 1;
          return true;
        }
        position = limit;
      }
    }

    private void append(int from, int count) {
      if (length + count > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
      }
      System.arraycopy(block, from, line, length, count);
      length += count;
    }

    byte[] bytes() {
      return line;
    }

    int length() {
      return length;
    }
  }

}
