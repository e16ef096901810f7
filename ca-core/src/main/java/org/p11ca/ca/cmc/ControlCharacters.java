package org.p11ca.ca.cmc;

import java.util.function.IntFunction;

/**
 * Text from a request (a name, a profile id) shown where one line is expected: status strings, log lines. Control
 * characters, line breaks among them, are written in an escaped form the caller chooses.
 */
final class ControlCharacters {

  private ControlCharacters() {
  }

  /** {@code text} with each control character replaced by {@code escape} of its code point. */
  static String escape(String text, IntFunction<String> escape) {
    if (text.codePoints().noneMatch(ControlCharacters::isControl)) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    text.codePoints().forEach(cp -> {
      if (isControl(cp)) {
        sb.append(escape.apply(cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.toString();
  }

  /** C0 and C1 controls and DEL, and the two Unicode line and paragraph separators. */
  private static boolean isControl(int codePoint) {
    return Character.isISOControl(codePoint) || codePoint == 0x2028 || codePoint == 0x2029;
  }
}
