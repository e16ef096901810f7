package org.p11ca.ca.issuance;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.repository.CertificateReservation;
import org.p11ca.ca.repository.CertificateStore;

/**
 * Issuance's serial reservation over the repository: the database's unique constraint decides collisions, and the
 * row holds the exact TBSCertificate before the token signs it, so a crash after signing leaves a revocable serial.
 */
public final class StoredSerialReservation implements SerialReservation {

  private final CertificateStore store;

  public StoredSerialReservation(CertificateStore store) {
    this.store = Objects.requireNonNull(store);
  }

  @Override
  public boolean reserve(BigInteger serial, CertificateIntent intent) {
    return store.reserve(new CertificateReservation(serial, intent.requestId(), intent.profileId(),
        DistinguishedNames.rfc4514(intent.subject()), intent.tbsCertificate(),
        java.util.Optional.of(org.p11ca.ca.repository.SubjectKeyHash.of(intent.publicKey()))));
  }

  @Override
  public void issued(BigInteger serial, CertificateIntent intent, X509CertificateHolder certificate) {
    try {
      store.markIssued(serial, certificate.getEncoded(), intent.notBefore(), intent.notAfter());
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot encode issued certificate " + serial.toString(16),
          e);
    }
  }
}
