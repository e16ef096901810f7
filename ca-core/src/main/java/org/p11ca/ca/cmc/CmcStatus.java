package org.p11ca.ca.cmc;

/** CMCStatus, RFC 5272 section 6.1.3 (value 1 is unassigned). */
public enum CmcStatus {
  SUCCESS(0),
  FAILED(2),
  PENDING(3),
  NO_SUPPORT(4),
  CONFIRM_REQUIRED(5),
  POP_REQUIRED(6),
  PARTIAL(7);

  private final int code;

  CmcStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static CmcStatus ofCode(int code) {
    for (CmcStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("no CMCStatus " + code);
  }
}
