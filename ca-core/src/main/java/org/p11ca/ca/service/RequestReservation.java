package org.p11ca.ca.service;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.bouncycastle.cert.X509CertificateHolder;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.issuance.CertificateIntent;
import org.p11ca.ca.issuance.SerialReservation;
import org.p11ca.ca.repository.CertificateReservation;
import org.p11ca.ca.repository.SubjectKeyHash;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.repository.NewRequest;

/**
 * One enrollment's records, written with the issuance cycle's two durable steps so that an issuance costs two
 * commits: the request row together with the serial reservation (before the token signs), and the certificate
 * ISSUED together with the request COMPLETE (before the answer). Single use, one thread.
 */
final class RequestReservation implements SerialReservation {

  private final CertificateStore certificates;
  private final Optional<NewRequest> toRecord;
  private final LongConsumer onRecorded;
  private Optional<Long> requestId;

  private RequestReservation(CertificateStore certificates, Optional<NewRequest> toRecord, Optional<Long> requestId,
      LongConsumer onRecorded) {
    this.certificates = Objects.requireNonNull(certificates);
    this.toRecord = toRecord;
    this.requestId = requestId;
    this.onRecorded = Objects.requireNonNull(onRecorded);
  }

  /**
   * A request not yet recorded: the reservation records it, and {@code onRecorded} gets its id once that is durable,
   * still before the token signs (the audit's PROFILE_CERT_REQUEST names the request id).
   */
  static RequestReservation recording(CertificateStore certificates, NewRequest request, LongConsumer onRecorded) {
    return new RequestReservation(certificates, Optional.of(request), Optional.empty(), onRecorded);
  }

  /** A request already on record (an EncryptedPOP round 2). */
  static RequestReservation forRecorded(CertificateStore certificates, long requestId) {
    return new RequestReservation(certificates, Optional.empty(), Optional.of(requestId), id -> { });
  }

  /** The request's id, once recorded. */
  Optional<Long> requestId() {
    return requestId;
  }

  @Override
  public boolean reserve(BigInteger serial, CertificateIntent intent) {
    String subject = DistinguishedNames.rfc4514(intent.subject());
    if (requestId.isPresent()) {
      return certificates.reserve(new CertificateReservation(serial, requestId, intent.profileId(), subject,
          intent.tbsCertificate(), Optional.of(SubjectKeyHash.of(intent.publicKey()))));
    }
    Optional<Long> recorded = certificates.reserveForNewRequest(toRecord.orElseThrow(),
        new CertificateReservation(serial, Optional.empty(), intent.profileId(), subject, intent.tbsCertificate(),
            Optional.of(SubjectKeyHash.of(intent.publicKey()))));
    if (recorded.isEmpty()) {
      return false;
    }
    requestId = recorded;
    onRecorded.accept(recorded.get());
    return true;
  }

  @Override
  public void issued(BigInteger serial, CertificateIntent intent, X509CertificateHolder certificate) {
    long id = requestId.orElseThrow(() -> new IllegalStateException("serial " + serial + " was never reserved"));
    byte[] der;
    try {
      der = certificate.getEncoded();
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot encode issued certificate " + serial.toString(16),
          e);
    }
    certificates.markIssuedCompleting(serial, der, intent.notBefore(), intent.notAfter(), id);
  }
}
