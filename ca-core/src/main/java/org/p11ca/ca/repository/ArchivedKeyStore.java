package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.util.Optional;
import org.p11ca.ca.kra.ArchivedKey;

/** The KRA's archived keys, wrapped under the token's storage key (never in clear). */
public interface ArchivedKeyStore {

  /** Records the key archived with a request; a request archives at most one key. */
  void save(long requestId, ArchivedKey key);

  /** Links the request's archived key to the certificate issued for it, if it archived one. */
  void linkCertificate(long requestId, BigInteger serial);

  Optional<ArchivedKey> findByRequest(long requestId);

  Optional<ArchivedKey> findBySerial(BigInteger serial);
}
