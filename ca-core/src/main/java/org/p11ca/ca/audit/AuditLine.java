package org.p11ca.ca.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One line of the audit log, and the one place its format is written down.
 *
 * <pre>
 *   line      = seq "|" time "|" prev "|" text "|" hash LF
 *   seq       = decimal record number, 1 for the first line, +1 per line (checkpoints included)
 *   time      = the record's instant, ISO-8601 UTC as Instant.toString() prints it
 *   prev      = 64 lowercase hex: the hash of the line before (64 zeros before line 1)
 *   text      = "[AuditEvent=" NAME "]" *( "[" Field "=" value "]" )   (Dogtag's form; values escaped, see escape)
 *   hash      = 64 lowercase hex: SHA-256( prev as 32 bytes || UTF-8( seq "|" time "|" text ) )
 * </pre>
 *
 * A checkpoint is a line whose text is
 * {@code [AuditEvent=AUDIT_LOG_CHECKPOINT][Outcome=Success][SignAlg=ECDSA_SHA256][KeyID=a1][Sig=base64]}, where Sig
 * is the audit key's signature over {@link #checkpointSignedBytes}: the checkpoint's seq and time and the chain head
 * before it, so it vouches for every line above it. The checkpoint line is itself chained like any other.
 *
 * <p>A log rotated away continues in a new file whose first line is a continuation,
 * {@code [AuditEvent=AUDIT_LOG_CONTINUED][Outcome=Success][PreviousFile=name][SignAlg=..][KeyID=..][Sig=base64]}: its
 * seq and prev carry on from the last line of the previous file, and Sig, over {@link #continuationSignedBytes}, is
 * the audit key's word that the chain stood there, so the new file can be checked on its own. Only a first line may
 * be one; any other first line must be seq 1 with 64 zeros as prev.
 *
 * <p>Parsing takes seq, time and prev from the first three "|" and hash after the last one, so values may hold "|";
 * escaping keeps a value from closing its field early or breaking the line.
 */
record AuditLine(long seq, Instant time, byte[] prev, String text, byte[] hash) {

  static final String CHECKPOINT_EVENT = "AUDIT_LOG_CHECKPOINT";
  static final String CONTINUATION_EVENT = "AUDIT_LOG_CONTINUED";
  static final byte[] GENESIS = new byte[32];
  private static final HexFormat HEX = HexFormat.of();

  /** Builds the line that follows a chain whose head is {@code prev}. */
  static AuditLine next(long seq, Instant time, byte[] prev, String text) {
    return new AuditLine(seq, time, prev.clone(), text, chainHash(prev, seq, time, text));
  }

  static byte[] chainHash(byte[] prev, long seq, Instant time, String text) {
    return chainHash(sha256(), prev, seq, time, text);
  }

  /** As above on a digest the caller reuses (and resets: {@link MessageDigest#digest()} does). */
  static byte[] chainHash(MessageDigest sha256, byte[] prev, long seq, Instant time, String text) {
    sha256.update(prev);
    sha256.update((seq + "|" + time + "|" + text).getBytes(StandardCharsets.UTF_8));
    return sha256.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** What a checkpoint's signature covers; a fixed prefix so the audit key's signature means nothing elsewhere. */
  static byte[] checkpointSignedBytes(long seq, Instant time, byte[] head) {
    return ("p11ca-audit-checkpoint-v1|" + seq + "|" + time + "|" + HEX.formatHex(head))
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What a continuation's signature covers: a prefix of its own, so that no checkpoint (a line found in the middle
   * of a file) can be passed off as the start of one cut from the front, and the previous file's name.
   */
  static byte[] continuationSignedBytes(long seq, Instant time, byte[] head, String previousFile) {
    return ("p11ca-audit-continuation-v1|" + seq + "|" + time + "|" + HEX.formatHex(head) + "|" + previousFile)
        .getBytes(StandardCharsets.UTF_8);
  }

  String format() {
    return seq + "|" + time + "|" + HEX.formatHex(prev) + "|" + text + "|" + HEX.formatHex(hash) + "\n";
  }

  /** Parses one line (without its LF); empty when it does not have the shape above. */
  static Optional<AuditLine> parse(String line) {
    int a = line.indexOf('|');
    int b = a < 0 ? -1 : line.indexOf('|', a + 1);
    int c = b < 0 ? -1 : line.indexOf('|', b + 1);
    int z = line.lastIndexOf('|');
    if (c < 0 || z <= c) {
      return Optional.empty();
    }
    try {
      long seq = Long.parseLong(line.substring(0, a));
      Instant time = Instant.parse(line.substring(a + 1, b));
      String prevHex = line.substring(b + 1, c);
      String hashHex = line.substring(z + 1);
      if (prevHex.length() != 64 || hashHex.length() != 64) {
        return Optional.empty();
      }
      return Optional.of(new AuditLine(seq, time, HEX.parseHex(prevHex), line.substring(c + 1, z),
          HEX.parseHex(hashHex)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static String eventText(AuditEvent event) {
    StringBuilder sb = new StringBuilder("[AuditEvent=").append(event.eventType()).append(']');
    appendFields(sb, event.fields());
    return sb.toString();
  }

  static String checkpointText(String signatureAlgorithm, String keyId, String signatureBase64) {
    StringBuilder sb = new StringBuilder("[AuditEvent=").append(CHECKPOINT_EVENT).append(']');
    appendFields(sb, List.of(new AuditField("Outcome", Outcome.SUCCESS.text()),
        new AuditField("SignAlg", signatureAlgorithm), new AuditField("KeyID", keyId),
        new AuditField("Sig", signatureBase64)));
    return sb.toString();
  }

  static String continuationText(String previousFile, String signatureAlgorithm, String keyId,
      String signatureBase64) {
    StringBuilder sb = new StringBuilder("[AuditEvent=").append(CONTINUATION_EVENT).append(']');
    appendFields(sb, List.of(new AuditField("Outcome", Outcome.SUCCESS.text()),
        new AuditField("PreviousFile", previousFile), new AuditField("SignAlg", signatureAlgorithm),
        new AuditField("KeyID", keyId), new AuditField("Sig", signatureBase64)));
    return sb.toString();
  }

  boolean isContinuation() {
    return text.startsWith("[AuditEvent=" + CONTINUATION_EVENT + "]");
  }

  boolean isCheckpoint() {
    return text.startsWith("[AuditEvent=" + CHECKPOINT_EVENT + "]");
  }

  /** The value of an unescaped-named field in this line's text, unescaped; empty if absent. */
  Optional<String> field(String name) {
    String key = "[" + name + "=";
    int start = text.indexOf(key);
    if (start < 0) {
      return Optional.empty();
    }
    StringBuilder value = new StringBuilder();
    for (int i = start + key.length(); i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '\\' && i + 1 < text.length()) {
        value.append(ch).append(text.charAt(++i));
      } else if (ch == ']') {
        return Optional.of(unescape(value.toString()));
      } else {
        value.append(ch);
      }
    }
    return Optional.empty();
  }

  private static void appendFields(StringBuilder sb, List<AuditField> fields) {
    for (AuditField f : fields) {
      sb.append('[').append(f.name()).append('=').append(escape(f.value())).append(']');
    }
  }

  /** Backslash-escapes \ [ ] and every control character, so a value is one line and cannot fake a field. */
  static String escape(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      switch (ch) {
        case '\\', '[', ']' -> sb.append('\\').append(ch);
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20 || ch == 0x7f || ch == '\u2028' || ch == '\u2029' || ch == '\u0085') {
            sb.append(String.format("\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.toString();
  }

  static String unescape(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch != '\\' || i + 1 >= value.length()) {
        sb.append(ch);
        continue;
      }
      char next = value.charAt(++i);
      switch (next) {
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          sb.append((char) Integer.parseInt(value.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> sb.append(next);
      }
    }
    return sb.toString();
  }
}
