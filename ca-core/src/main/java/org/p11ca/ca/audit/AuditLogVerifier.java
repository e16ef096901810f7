package org.p11ca.ca.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
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

  public static VerificationResult verify(Path log, PublicKey auditKey) {
    return scan(log, auditKey).result();
  }

  /** Where the chain stands after the last good line; what {@link AuditLog} resumes from. */
  record Scan(VerificationResult result, long lastSeq, byte[] head, long unsignedTail) {
  }

  static Scan scan(Path log, PublicKey auditKey) {
    long expectedSeq = 1;
    byte[] head = AuditLine.GENESIS;
    long records = 0;
    long checkpoints = 0;
    long unsigned = 0;
    long lineStart = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(log))) {
      while (true) {
        long lineNumber = expectedSeq;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
          bytes.write(b);
        }
        if (b == -1) {
          VerificationResult.Intact sofar = new VerificationResult.Intact(records, checkpoints, unsigned);
          VerificationResult end = bytes.size() == 0 ? sofar
              : new VerificationResult.CutShort(lineNumber, sofar, lineStart, bytes.size());
          return new Scan(end, expectedSeq - 1, head, unsigned);
        }
        lineStart += bytes.size() + 1;
        Optional<String> text = utf8(bytes.toByteArray());
        Optional<AuditLine> parsed = text.flatMap(AuditLine::parse);
        if (parsed.isEmpty()) {
          return broken(lineNumber, "not an audit record line", expectedSeq, head, unsigned);
        }
        AuditLine line = parsed.get();
        if (line.seq() != expectedSeq) {
          return broken(lineNumber, "sequence number " + line.seq() + " where " + expectedSeq
              + " was expected: a line was deleted, inserted or moved", expectedSeq, head, unsigned);
        }
        if (!Arrays.equals(line.prev(), head)) {
          return broken(lineNumber, "link to the previous record does not match the chain: a line before it was"
              + " changed or removed", expectedSeq, head, unsigned);
        }
        if (!Arrays.equals(line.hash(), AuditLine.chainHash(head, line.seq(), line.time(), line.text()))) {
          return broken(lineNumber, "record hash does not match its content: the line was edited", expectedSeq,
              head, unsigned);
        }
        if (line.isCheckpoint()) {
          Optional<String> bad = checkSignature(line, auditKey);
          if (bad.isPresent()) {
            return broken(lineNumber, bad.get(), expectedSeq, head, unsigned);
          }
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

  private static Scan broken(long lineNumber, String reason, long expectedSeq, byte[] head, long unsigned) {
    return new Scan(new VerificationResult.Broken(lineNumber, reason), expectedSeq - 1, head, unsigned);
  }

  private static Optional<String> checkSignature(AuditLine line, PublicKey auditKey) {
    Optional<String> alg = line.field("SignAlg");
    Optional<String> sig = line.field("Sig");
    if (alg.isEmpty() || sig.isEmpty()) {
      return Optional.of("checkpoint without SignAlg or Sig");
    }
    try {
      SignatureAlgorithm algorithm = SignatureAlgorithm.parse(alg.get());
      Signature verifier = Signature.getInstance(algorithm.jcaName(), BC);
      verifier.initVerify(auditKey);
      verifier.update(AuditLine.checkpointSignedBytes(line.seq(), line.time(), line.prev()));
      if (verifier.verify(Base64.getDecoder().decode(sig.get()))) {
        return Optional.empty();
      }
      return Optional.of("checkpoint signature does not verify with the audit key");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Optional.of("checkpoint signature does not verify with the audit key: " + e.getMessage());
    }
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
