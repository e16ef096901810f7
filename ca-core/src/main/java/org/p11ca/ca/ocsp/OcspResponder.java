package org.p11ca.ca.ocsp;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.repository.CertificateStore;
import org.p11ca.ca.service.CaSigner;
import org.p11ca.hsm.HsmException;

/**
 * An OCSP responder (RFC 6960) for this CA: a DER OCSPRequest in, a DER OCSPResponse out, never an exception for
 * what a client sends. Statuses come from the certificate records ({@link RecordedStatus}); every response is a
 * BasicOCSPResponse signed on the token, by the CA key (the CA itself is the responder, RFC 6960 4.2.2.2, and no
 * certificate is attached) or by a delegated responder key whose id-kp-OCSPSigning certificate is attached
 * ({@link #delegateTo}). The responder is named by key hash (4.2.2.3), which stays right across a certificate
 * re-issued with another subject. No response is cached: each one carries the status at that instant.
 *
 * <p>A delegate whose certificate is not valid at the moment of signing (expired before a renewal replaced it) is
 * passed over for the CA key, which a relying party always accepts, with a warning: answers go on either way.
 */
public final class OcspResponder {

  public static final String REQUEST_MEDIA_TYPE = "application/ocsp-request";
  public static final String RESPONSE_MEDIA_TYPE = "application/ocsp-response";
  /** The most CertIDs answered in one request; each is a database read, and a request must be bounded work. */
  public static final int MAX_CERT_IDS = 10;

  private static final System.Logger LOG = System.getLogger(OcspResponder.class.getName());

  private final CaIssuerMatch issuer;
  private final RecordedStatus statuses;
  private final OcspSettings settings;
  private final Clock clock;
  private final ResponderKey caKey;
  /** The delegated responder, or null when the CA key signs; replaced whole when its certificate is renewed. */
  private volatile ResponderKey delegate;
  /** The delegate already warned about as not valid, so a lapse is logged once, not per response. */
  private volatile ResponderKey lapsedDelegate;

  public OcspResponder(CaSigner signer, CertificateStore certificates, OcspSettings settings, Clock clock) {
    this.issuer = new CaIssuerMatch(signer.certificate());
    this.statuses = new RecordedStatus(certificates);
    this.settings = settings;
    this.clock = clock;
    this.caKey = ResponderKey.ca(signer);
  }

  /** From now on responses are signed by {@code responder} (made by {@link ResponderKey#delegated}). */
  public void delegateTo(ResponderKey responder) {
    this.delegate = java.util.Objects.requireNonNull(responder);
    LOG.log(System.Logger.Level.INFO, "OCSP responses are signed by " + responder);
  }

  /** Who signs a response made at {@code now}. */
  ResponderKey signerAt(Instant now) {
    ResponderKey current = delegate;
    if (current == null) {
      return caKey;
    }
    if (current.validAt(now)) {
      return current;
    }
    if (lapsedDelegate != current) {
      lapsedDelegate = current;
      LOG.log(System.Logger.Level.WARNING, current + " is not valid at " + now + " (its certificate runs "
          + current.certificate().map(c -> c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant())
              .orElse("") + "): signing OCSP responses with the CA key until it is renewed");
    }
    return caKey;
  }

  /** Always a DER OCSPResponse: successful, malformedRequest, tryLater or internalError. */
  public byte[] respond(byte[] requestDer) {
    OcspQuery query = OcspQuery.read(requestDer, MAX_CERT_IDS);
    if (query instanceof OcspQuery.Malformed malformed) {
      LOG.log(System.Logger.Level.DEBUG, "OCSP request refused (malformedRequest): " + malformed.reason());
      return unsuccessful(OCSPRespBuilder.MALFORMED_REQUEST);
    }
    try {
      return answer((OcspQuery.Readable) query);
    } catch (HsmException e) {
      // An exhausted session pool passes; anything else from the token needs the operator.
      boolean busy = e.reason() == HsmException.Reason.SESSION_POOL_TIMEOUT;
      LOG.log(System.Logger.Level.WARNING, "OCSP response not signed ("
          + (busy ? "tryLater" : "internalError") + "): " + e.getMessage(), e);
      return unsuccessful(busy ? OCSPRespBuilder.TRY_LATER : OCSPRespBuilder.INTERNAL_ERROR);
    } catch (CaException e) {
      LOG.log(System.Logger.Level.WARNING, "OCSP request not answered (internalError): " + e.getMessage(), e);
      return unsuccessful(OCSPRespBuilder.INTERNAL_ERROR);
    }
  }

  private byte[] answer(OcspQuery.Readable query) {
    // GeneralizedTime without fractional seconds, as RFC 5280 4.1.2.5.2 writes times.
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    ResponderKey responder = signerAt(now);
    Date thisUpdate = Date.from(now);
    Instant next = now.plus(settings.nextUpdate());
    // A response is worth no more than its signer's certificate: past that a relying party rejects it anyway.
    Date nextUpdate = Date.from(responder.notAfter().filter(next::isAfter).orElse(next));
    BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(responder.id());
    for (CertificateID id : query.certIds()) {
      // The CertID goes back exactly as received (RFC 6960 4.2.1), whichever hash algorithm it uses.
      builder.addResponse(id, issuer.namesThisCa(id) ? statuses.of(id.getSerialNumber()) : new UnknownStatus(),
          thisUpdate, nextUpdate, null);
    }
    // RFC 6960 4.4.1: the nonce comes back as sent; non-critical, as 4.4 asks of every extension.
    query.nonce().ifPresent(n -> builder.setResponseExtensions(
        new Extensions(new Extension(n.getExtnId(), false, n.getExtnValue()))));
    BasicOCSPResp signed;
    try {
      signed = builder.build(responder.contentSigner(), responder.attached(), thisUpdate);
    } catch (OCSPException e) {
      if (e.getCause() instanceof HsmException token) {
        throw token;
      }
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot build the OCSP response: " + e.getMessage(), e);
    }
    requireOwnSignature(signed, responder);
    try {
      return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, signed).getEncoded();
    } catch (OCSPException | IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot encode the OCSP response: " + e.getMessage(), e);
    }
  }

  /** Verify after signing: a response a relying party would reject must not leave the CA (a token fault). */
  private static void requireOwnSignature(BasicOCSPResp signed, ResponderKey responder) {
    boolean valid;
    try {
      valid = signed.isSignatureValid(responder.verifier());
    } catch (OCSPException e) {
      valid = false;
    }
    if (!valid) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "the token's signature over the OCSP response does not"
          + " verify with the public key of " + responder);
    }
  }

  private static byte[] unsuccessful(int status) {
    try {
      // RFC 6960 4.2.1: an unsuccessful OCSPResponse has no responseBytes.
      return new OCSPRespBuilder().build(status, null).getEncoded();
    } catch (OCSPException | IOException e) {
      throw new IllegalStateException("cannot encode an OCSP response status " + status, e);
    }
  }
}
