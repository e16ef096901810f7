package org.p11ca.ca.audit;

import java.util.Optional;

/** What {@link AuditLogVerifier} found. */
public sealed interface VerificationResult {

  /**
   * Every line chains and every checkpoint signature verifies.
   *
   * @param records event records (checkpoints not counted)
   * @param checkpoints signed checkpoints
   * @param unsignedTail event records after the last checkpoint: chained but not signed. Not a break, because a
   *     crash (or a log that is still open) leaves such a tail legitimately; but nothing proves it was not rewritten
   *     or cut short, so {@link #warning()} says so and a strict auditor may refuse it.
   */
  record Intact(long records, long checkpoints, long unsignedTail) implements VerificationResult {
    public Optional<String> warning() {
      return unsignedTail == 0 ? Optional.empty()
          : Optional.of(unsignedTail + " records after the last signed checkpoint");
    }
  }

  /**
   * The file ends in an unfinished line, with no line feed after it: what a crash or power cut during a write
   * leaves. The lines before {@code lineNumber} verify as {@code before} says; the last {@code cutBytes} bytes,
   * from byte {@code intactBytes} on, are all that reached the disk of one record. Not a sign of tampering by itself
   * (whoever can write the file can as well cut it at a line feed), but the log cannot go on after it:
   * {@link AuditLog#openSettingAsideCutShortLine} moves the fragment to a file of its own, audited.
   */
  record CutShort(long lineNumber, Intact before, long intactBytes, long cutBytes) implements VerificationResult {
  }

  /** The first line (1-based) that does not verify, and why. Lines after it are not trusted. */
  record Broken(long lineNumber, String reason) implements VerificationResult {
  }
}
