package org.p11ca.client;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The reasons a revokeRequest may give (RFC 5272 section 6.11 carries a CRLReason, RFC 5280 section 5.3.1), by their
 * ASN.1 names or codes. Names are matched without regard to case, so Dogtag's "caCompromise" is cACompromise.
 */
enum CrlReason {
  UNSPECIFIED(0, "unspecified"),
  KEY_COMPROMISE(1, "keyCompromise"),
  CA_COMPROMISE(2, "cACompromise"),
  AFFILIATION_CHANGED(3, "affiliationChanged"),
  SUPERSEDED(4, "superseded"),
  CESSATION_OF_OPERATION(5, "cessationOfOperation"),
  CERTIFICATE_HOLD(6, "certificateHold"),
  // Code 7 is not used (RFC 5280 section 5.3.1).
  REMOVE_FROM_CRL(8, "removeFromCRL"),
  PRIVILEGE_WITHDRAWN(9, "privilegeWithdrawn"),
  AA_COMPROMISE(10, "aACompromise");

  private final int code;
  private final String asn1Name;

  CrlReason(int code, String asn1Name) {
    this.code = code;
    this.asn1Name = asn1Name;
  }

  int code() {
    return code;
  }

  /** "keyCompromise (1)", as the tools print it. */
  String describe() {
    return asn1Name + " (" + code + ")";
  }

  /**
   * A revocation reason as {@code where} (an option or cfg key) gave it. certificateHold and removeFromCRL are
   * refused: they ask for a suspension and its end, not a revocation, and the CA refuses them too.
   */
  static CrlReason parse(String text, String where) {
    String t = text.strip();
    CrlReason found = Arrays.stream(values())
        .filter(r -> r.asn1Name.equalsIgnoreCase(t) || String.valueOf(r.code).equals(t))
        .findFirst()
        .orElseThrow(() -> new UsageException(where + " '" + text + "' is not a revocation reason: give one"
            + " of " + revocations() + ", or its number"));
    if (found == CERTIFICATE_HOLD || found == REMOVE_FROM_CRL) {
      throw new UsageException(where + " " + found.describe() + " is not supported: a hold is a suspension,"
          + " not a revocation, and p11ca revokes for good; give one of " + revocations());
    }
    return found;
  }

  private static String revocations() {
    return Arrays.stream(values()).filter(r -> r != CERTIFICATE_HOLD && r != REMOVE_FROM_CRL)
        .map(CrlReason::describe).collect(Collectors.joining(", "));
  }
}
