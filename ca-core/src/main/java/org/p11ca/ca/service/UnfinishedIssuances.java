package org.p11ca.ca.service;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.p11ca.ca.repository.CertificateRecord;
import org.p11ca.ca.repository.CertificateStatus;

/**
 * Serials reserved for signing but never stored as issued, found when the CA opens: what a crash between the
 * token's signature and the database write leaves, or a signature that failed its check. The token may have
 * signed them, nobody received them, and OCSP answers unknown for them; the operator should hear of them once, with
 * what to do.
 */
public final class UnfinishedIssuances {

  /** Serials named in the warning; the rest are counted. */
  static final int LISTED = 10;

  private UnfinishedIssuances() {
  }

  /** One line for the operator's log, or empty when every reservation was finished. */
  public static Optional<String> warning(List<CertificateRecord> reserved) {
    List<CertificateRecord> unfinished = reserved.stream().filter(r -> r.status() == CertificateStatus.RESERVED)
        .toList();
    if (unfinished.isEmpty()) {
      return Optional.empty();
    }
    String serials = unfinished.stream().limit(LISTED).map(r -> "0x" + r.serial().toString(16))
        .collect(Collectors.joining(", "))
        + (unfinished.size() > LISTED ? " and " + (unfinished.size() - LISTED) + " more" : "");
    return Optional.of(unfinished.size() + (unfinished.size() == 1 ? " serial was" : " serials were")
        + " reserved for signing but never stored as issued (a crash or a token failure between the two; the token"
        + " may have signed them): " + serials + ". Nobody received them and OCSP answers unknown for them; to be"
        + " sure none is ever used, an agent revokes them with a CMC revokeRequest (p11ca-cmc revoke).");
  }
}
