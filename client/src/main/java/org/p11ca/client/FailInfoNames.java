package org.p11ca.client;

import org.p11ca.ca.error.FailInfo;

/** CMCFailInfo values as Dogtag's CMCResponse prints them (JSS OtherInfo.FAIL_INFO), so its users read the same. */
final class FailInfoNames {
  private FailInfoNames() {
  }

  static String of(FailInfo failInfo) {
    return switch (failInfo) {
      case BAD_ALG -> "bad algorithm";
      case BAD_MESSAGE_CHECK -> "bad message check";
      case BAD_REQUEST -> "bad request";
      case BAD_TIME -> "bad time";
      case BAD_CERT_ID -> "bad certificate id";
      case UNSUPPORTED_EXT -> "unsupported extensions";
      case MUST_ARCHIVE_KEYS -> "must archive keys";
      case BAD_IDENTITY -> "bad identity";
      case POP_REQUIRED -> "POP required";
      case POP_FAILED -> "POP failed";
      case NO_KEY_REUSE -> "no key reuse";
      case INTERNAL_CA_ERROR -> "internal ca error";
      case TRY_LATER -> "try later";
      // RFC 5272 section 6.1.4 value 13; JSS's table stops at 12.
      case AUTH_DATA_FAIL -> "authenticated data fail";
    };
  }
}
