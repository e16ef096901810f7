package org.p11ca.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * What the CMC endpoints accept as a request body, decided before the CA sees it: the media type (RFC 5273 section
 * 3 names application/pkcs7-mime; Dogtag's HttpClient sends no Content-Type at all) and the transfer form (DER, or
 * base64 with or without PEM armour, as people paste requests with curl).
 */
public final class CmcBody {

  /** The outcome: DER bytes for the CA, or an HTTP status and a one-line reason. */
  public sealed interface Decoded {
    record Der(byte[] der) implements Decoded {
      public Der {
        der = der.clone();
      }

      @Override
      public byte[] der() {
        return der.clone();
      }
    }

    record Refused(int status, String reason) implements Decoded {
    }
  }

  private static final int ASN1_SEQUENCE = 0x30;

  private CmcBody() {
  }

  /** Empty when the media type is acceptable, else the 415 reason. */
  public static Optional<String> unsupportedMediaType(Optional<String> contentType) {
    if (contentType.isEmpty() || contentType.get().isBlank()) {
      return Optional.empty();
    }
    // Parameters (smime-type=CMC-request, name=..., charset) do not change what the body is.
    String type = contentType.get().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (type.equals("application/pkcs7-mime") || type.equals("application/octet-stream")) {
      return Optional.empty();
    }
    return Optional.of("unsupported Content-Type '" + contentType.get().strip()
        + "': send application/pkcs7-mime, application/octet-stream or none");
  }

  public static Decoded decode(byte[] body) {
    if (body.length == 0) {
      return new Decoded.Refused(400, "the request body is empty: expected a DER CMC request");
    }
    if ((body[0] & 0xff) == ASN1_SEQUENCE) {
      return new Decoded.Der(body);
    }
    if (!isAscii(body)) {
      // Neither DER nor text: let the CA give its own reason for the bytes as they are.
      return new Decoded.Der(body);
    }
    String text = new String(body, StandardCharsets.US_ASCII);
    StringBuilder base64 = new StringBuilder(text.length());
    for (String line : text.split("\\R")) {
      String l = line.strip();
      if (!l.startsWith("-----")) {
        base64.append(l.replaceAll("\\s+", ""));
      }
    }
    try {
      // The basic decoder, not the MIME one: that one skips any character outside the alphabet, so plain prose
      // would "decode" into garbage instead of being refused here.
      byte[] der = Base64.getDecoder().decode(base64.toString());
      if (der.length == 0) {
        return new Decoded.Refused(400, "the request body holds no base64 data");
      }
      return new Decoded.Der(der);
    } catch (IllegalArgumentException e) {
      return new Decoded.Refused(400, "the request body is neither DER nor base64: " + e.getMessage());
    }
  }

  private static boolean isAscii(byte[] body) {
    for (byte b : body) {
      if (b < 0x09 || b > 0x7e || (b > 0x0d && b < 0x20)) {
        return false;
      }
    }
    return true;
  }
}
