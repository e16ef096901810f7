package org.p11ca.ca.error;

/**
 * CMCFailInfo, RFC 5272 section 6.1.4 (values fixed by the ASN.1 module; RFC 6402 adds none). The one coarse
 * reason a CMC failure response carries; {@link CaException} adds the detail a person can act on.
 */
public enum FailInfo {
  BAD_ALG(0),
  BAD_MESSAGE_CHECK(1),
  BAD_REQUEST(2),
  BAD_TIME(3),
  BAD_CERT_ID(4),
  UNSUPPORTED_EXT(5),
  MUST_ARCHIVE_KEYS(6),
  BAD_IDENTITY(7),
  POP_REQUIRED(8),
  POP_FAILED(9),
  NO_KEY_REUSE(10),
  INTERNAL_CA_ERROR(11),
  TRY_LATER(12),
  AUTH_DATA_FAIL(13);

  private final int code;

  FailInfo(int code) {
    this.code = code;
  }

  /** The INTEGER value on the wire. */
  public int code() {
    return code;
  }

  public static FailInfo ofCode(int code) {
    for (FailInfo f : values()) {
      if (f.code == code) {
        return f;
      }
    }
    throw new IllegalArgumentException("no CMCFailInfo " + code);
  }
}
