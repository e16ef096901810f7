package org.p11ca.ca.repository;

import java.time.Instant;
import java.util.Optional;

/**
 * The CA's CRLs (schema 6). A number is reserved before the token signs and the CRL stored under it afterwards, so
 * the CRL Number increases strictly across restarts and crashes (RFC 5280 5.2.3: "monotonically increasing").
 */
public interface CrlStore {

  /** Takes a CRL number greater than every one taken before, for the CRL about to be signed with this validity. */
  long reserveNumber(Instant thisUpdate, Instant nextUpdate);

  /**
   * Stores the signed CRL under its reserved number and drops older ones.
   *
   * @throws org.p11ca.ca.error.CaException INTERNAL_CA_ERROR when the number was not reserved or already has a CRL
   */
  void store(long number, byte[] der);

  /** The latest signed CRL, if one was ever stored. */
  Optional<StoredCrl> latest();
}
