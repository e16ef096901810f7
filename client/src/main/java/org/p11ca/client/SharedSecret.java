package org.p11ca.client;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The shared secret that keys identityProofV2 and popLinkWitnessV2 (RFC 5272 sections 6.2.1 and 6.3.1), or that an
 * unsigned revokeRequest carries as its passphrase (section 6.11), as the UTF-8 octets the CA uses. It never
 * appears in output or in a message: {@link #toString} hides it, and {@link #close} clears it, so hold it in
 * try-with-resources.
 */
final class SharedSecret implements AutoCloseable {

  private static final SharedSecret NONE = new SharedSecret(new byte[0]);

  private final byte[] utf8;

  private SharedSecret(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** No secret: for a request without shared-secret controls. */
  static SharedSecret none() {
    return NONE;
  }

  /**
   * The file's content minus one trailing newline (LF or CRLF), so that {@code echo secret > file} holds exactly
   * "secret"; any other whitespace is part of the secret, as the CA stores it.
   */
  static SharedSecret fromFile(Path file) {
    byte[] content = LocalFiles.read(file, "shared secret file");
    try {
      int end = content.length;
      if (end > 0 && content[end - 1] == '\n') {
        end--;
        if (end > 0 && content[end - 1] == '\r') {
          end--;
        }
      }
      return checked(Arrays.copyOf(content, end), "shared secret file " + file);
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  static SharedSecret fromEnvironment(String variable) {
    String value = System.getenv(variable);
    if (value == null) {
      throw new CmcToolException("environment variable " + variable + " (the shared secret) is not set");
    }
    return checked(value.getBytes(StandardCharsets.UTF_8), "environment variable " + variable);
  }

  /**
   * A Dogtag cfg's witness.sharedSecret or revRequest.sharedSecret: Dogtag's CMCRequest reads them there, so a cfg
   * file may hold one.
   */
  static SharedSecret fromConfig(Path configFile, String key, String value) {
    return checked(value.getBytes(StandardCharsets.UTF_8), configFile + " " + key);
  }

  private static SharedSecret checked(byte[] utf8, String source) {
    if (utf8.length == 0) {
      throw new CmcToolException(source + " holds an empty shared secret");
    }
    // The CA compares UTF-8 octets; a file in another encoding would give a witness that never verifies.
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer decoded = null;
    try {
      decoded = decoder.decode(ByteBuffer.wrap(utf8));
    } catch (CharacterCodingException e) {
      Arrays.fill(utf8, (byte) 0);
      throw new CmcToolException(source + " does not hold UTF-8 text: the shared secret must be UTF-8");
    } finally {
      if (decoded != null && decoded.hasArray()) {
        Arrays.fill(decoded.array(), '\0');
      }
    }
    return new SharedSecret(utf8);
  }

  /**
   * The secret's UTF-8 octets themselves, not a copy, for the MAC computations and the revocation passphrase: do
   * not keep them, they are cleared on {@link #close}.
   */
  byte[] revealUtf8() {
    if (this == NONE) {
      throw new IllegalStateException("no shared secret was read");
    }
    return utf8;
  }

  @Override
  public void close() {
    Arrays.fill(utf8, (byte) 0);
  }

  @Override
  public String toString() {
    return "SharedSecret[hidden]";
  }
}
