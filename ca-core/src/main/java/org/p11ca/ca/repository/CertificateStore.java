package org.p11ca.ca.repository;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The certificate rows issuance and revocation need. Issuance follows "record intent before signing": reserve the
 * serial with the TBSCertificate, sign on the token, verify, then {@link #markIssued}.
 *
 * <p>A reservation is committed (so the serial is taken for every later transaction) but not synced to disk on its
 * own: the {@link #markIssued} commit, which the CA waits for before a certificate leaves it, syncs it too. A power
 * loss in between loses only a reservation whose certificate nobody has seen.
 */
public interface CertificateStore {

  /**
   * Takes {@code reservation.serial()} and stores what is about to be signed, as RESERVED.
   *
   * @return false when that serial is already taken (decided by the database's unique constraint, so two
   *     concurrent callers cannot both win); the caller draws another serial
   */
  boolean reserve(CertificateReservation reservation);

  /**
   * Records {@code request} under a new id and reserves {@code reservation.serial()} for it, in one transaction:
   * issuance's first write, so a request costs one commit before the token signs instead of two (and, like
   * {@link #reserve}, it is synced by the commit that records the certificate issued, or the request refused).
   *
   * @param reservation with no request id of its own: the row gets the new request's id
   * @return the new request's id; empty when the serial is already taken, in which case nothing was recorded and
   *     the caller draws another serial
   */
  Optional<Long> reserveForNewRequest(NewRequest request, CertificateReservation reservation);

  /**
   * Stores the signed certificate of a RESERVED serial.
   *
   * @throws org.p11ca.ca.error.CaException INTERNAL_CA_ERROR when the serial is unknown or not RESERVED
   */
  void markIssued(BigInteger serial, byte[] certificateDer, Instant notBefore, Instant notAfter);

  /**
   * {@link #markIssued} and the answered request set COMPLETE, in one transaction: either both are durable or
   * neither is.
   *
   * @throws org.p11ca.ca.error.CaException INTERNAL_CA_ERROR as {@link #markIssued}, or when there is no such request
   */
  void markIssuedCompleting(BigInteger serial, byte[] certificateDer, Instant notBefore, Instant notAfter,
      long requestId);

  /** The certificate with this serial; empty too for a serial out of RFC 5280's range, as a request may name. */
  Optional<CertificateRecord> find(BigInteger serial);

  /**
   * What the profiles' renewal rules need to know of this key's earlier certificates (rows still RESERVED, never
   * issued, do not count), in a few indexed lookups whatever the number of certificates.
   *
   * @param subjectDn the subject the key is to be certified for, as {@link CertificateRecord#subjectDn()} spells it
   */
  KeyHistory keyHistory(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo key, String subjectDn);

  /** Rows with that status, by serial. */
  List<CertificateRecord> listByStatus(CertificateStatus status);

  /**
   * Calls {@code visitor} with every REVOKED row in ascending serial order, reading only the revocation columns
   * (never the certificates): the CRL's cost grows with the number of revocations, not with their certificates.
   * The visitor runs while the rows are read, so it must not call back into this store.
   */
  void forEachRevoked(Consumer<RevokedCertificate> visitor);

  /** When the latest revocation on record was made ({@code revokedAt}); empty when nothing is revoked. */
  Optional<Instant> latestRevocation();

  /**
   * Revokes an ISSUED or a RESERVED serial (a reserved one may have been signed before a crash, so it must be
   * revocable); refuses to revoke twice.
   */
  RevocationResult revoke(BigInteger serial, RevocationReason reason, Optional<Instant> invalidityDate,
      Instant revokedAt);
}
