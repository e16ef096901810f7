package org.p11ca.ca.cmc;

import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * Where one DER TLV sits in a byte array, found without decoding it. The identityProofV2 witness is a MAC over
 * the reqSequence bytes exactly as the client sent them (RFC 5272 section 6.2.1), so those bytes are cut out of
 * the eContent rather than re-encoded, which would hide any non-DER encoding the client used.
 */
record DerSpan(int start, int headerLength, int contentLength) {

  int contentStart() {
    return start + headerLength;
  }

  int end() {
    return start + headerLength + contentLength;
  }

  /** Reads the tag and definite length at {@code offset}; indefinite lengths are not DER and are refused. */
  static DerSpan at(byte[] der, int offset, String what) {
    int pos = offset;
    if (pos >= der.length) {
      throw truncated(what);
    }
    if ((der[pos++] & 0x1F) == 0x1F) {
      // High tag number form: continuation bytes have the top bit set.
      while (true) {
        if (pos >= der.length) {
          throw truncated(what);
        }
        if ((der[pos++] & 0x80) == 0) {
          break;
        }
      }
    }
    if (pos >= der.length) {
      throw truncated(what);
    }
    int first = der[pos++] & 0xFF;
    long length;
    if (first < 0x80) {
      length = first;
    } else if (first == 0x80) {
      throw new CaException(FailInfo.BAD_REQUEST, what + " uses an indefinite length, which DER forbids");
    } else {
      int count = first & 0x7F;
      if (count > 4) {
        throw new CaException(FailInfo.BAD_REQUEST, what + " has an impossible length field");
      }
      length = 0;
      for (int i = 0; i < count; i++) {
        if (pos >= der.length) {
          throw truncated(what);
        }
        length = (length << 8) | (der[pos++] & 0xFF);
      }
    }
    if (length > der.length - pos) {
      throw truncated(what);
    }
    return new DerSpan(offset, pos - offset, (int) length);
  }

  private static CaException truncated(String what) {
    return new CaException(FailInfo.BAD_REQUEST, what + " is truncated");
  }
}
