package org.p11ca.ca.crl;

import org.p11ca.ca.repository.StoredCrl;

/** Where the HTTP front gets the CRL to serve. */
@FunctionalInterface
public interface CrlSource {

  /**
   * The latest CRL, not past its nextUpdate.
   *
   * @throws org.p11ca.ca.error.CaException INTERNAL_CA_ERROR when none is at hand and the token cannot sign one
   */
  StoredCrl current();
}
