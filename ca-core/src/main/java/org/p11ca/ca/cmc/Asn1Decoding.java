package org.p11ca.ca.cmc;

import java.util.function.Supplier;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * Turns Bouncy Castle's decoding failures (IllegalArgumentException, ClassCastException, ASN1ParsingException...)
 * into the core's one error type, so a malformed request never escapes as anything but BAD_REQUEST.
 */
final class Asn1Decoding {

  private Asn1Decoding() {
  }

  static <T> T decode(String what, Supplier<T> decoder) {
    try {
      return decoder.get();
    } catch (CaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "malformed " + what + ": " + oneLine(e), e);
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
