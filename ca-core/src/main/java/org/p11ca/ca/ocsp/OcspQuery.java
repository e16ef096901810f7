package org.p11ca.ca.ocsp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.Req;

/**
 * An OCSPRequest (RFC 6960 4.1) read and checked before any lookup or signature: either the CertIDs to answer and
 * the nonce to echo, or the reason it gets malformedRequest. A request signature (optional, 4.1.2) is not checked:
 * this responder answers anyone, as public status information.
 */
public sealed interface OcspQuery {

  /** RFC 8954 section 2.1: {@code Nonce ::= OCTET STRING(SIZE(1..32))}. */
  int MAX_NONCE_OCTETS = 32;

  /**
   * @param nonce the request's nonce extension as received, to be echoed (RFC 6960 4.4.1)
   */
  record Readable(List<CertificateID> certIds, Optional<Extension> nonce) implements OcspQuery {
    public Readable {
      certIds = List.copyOf(certIds);
    }
  }

  /** @param reason one line for the log; the client only sees malformedRequest, which carries no text */
  record Malformed(String reason) implements OcspQuery {
  }

  /**
   * @param maxCertIds the most CertIDs one request may ask about: each costs a database read, and one request must
   *     not make the responder do unbounded work
   */
  static OcspQuery read(byte[] der, int maxCertIds) {
    OCSPReq request;
    try {
      request = new OCSPReq(der);
    } catch (IOException | RuntimeException e) {
      // Bouncy Castle reports some malformed structures as IllegalArgumentException or ClassCastException.
      return new Malformed("not a DER OCSPRequest: " + e.getMessage());
    }
    try {
      return check(request, maxCertIds);
    } catch (RuntimeException e) {
      // Bouncy Castle decodes the request list, the CertIDs and the extensions only as they are read, and fails
      // on a malformed one with whatever it trips over (IllegalArgumentException, ClassCastException...).
      return new Malformed("a malformed part of the OCSPRequest: " + e);
    }
  }

  private static OcspQuery check(OCSPReq request, int maxCertIds) {
    if (request.getVersionNumber() != 1) {
      return new Malformed("OCSPRequest version " + (request.getVersionNumber() - 1) + ", only v1 (0) exists");
    }
    Req[] list = request.getRequestList();
    if (list.length == 0) {
      return new Malformed("the requestList is empty");
    }
    if (list.length > maxCertIds) {
      return new Malformed("the request asks about " + list.length + " certificates, at most " + maxCertIds
          + " are answered per request");
    }
    List<CertificateID> ids = new ArrayList<>(list.length);
    for (Req r : list) {
      Extensions single = r.getSingleRequestExtensions();
      Optional<ASN1ObjectIdentifier> critical = unknownCritical(
          single == null ? List.of() : List.of(single.getCriticalExtensionOIDs()));
      if (critical.isPresent()) {
        return new Malformed("a critical singleRequestExtension this responder does not know: " + critical.get());
      }
      CertificateID id = r.getCertID();
      // Read every field now, so a malformed one is this request's malformedRequest, not a failure mid-answer.
      id.getHashAlgOID();
      id.getIssuerNameHash();
      id.getIssuerKeyHash();
      id.getSerialNumber();
      ids.add(id);
    }
    @SuppressWarnings("unchecked")
    Set<ASN1ObjectIdentifier> criticalOids = request.getCriticalExtensionOIDs();
    Optional<ASN1ObjectIdentifier> critical = unknownCritical(criticalOids);
    if (critical.isPresent()) {
      return new Malformed("a critical requestExtension this responder does not know: " + critical.get());
    }
    Optional<Extension> nonce = Optional.ofNullable(request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce));
    if (nonce.isPresent()) {
      int length = nonceLength(nonce.get());
      if (length < 1 || length > MAX_NONCE_OCTETS) {
        // RFC 8954 2.1: a responder refuses nonces outside 1..32 octets with malformedRequest, which closes the
        // channel of a client making the responder sign chosen data of any length.
        return new Malformed("a nonce of " + length + " octets; RFC 8954 allows 1 to " + MAX_NONCE_OCTETS);
      }
    }
    return new Readable(ids, nonce);
  }

  /**
   * RFC 6960 4.4: extensions the responder does not know are ignored unless critical; a critical one it does not
   * understand cannot be honoured, so the request is refused. The nonce is the one request extension understood.
   */
  private static Optional<ASN1ObjectIdentifier> unknownCritical(Collection<ASN1ObjectIdentifier> critical) {
    return critical.stream().filter(oid -> !oid.equals(OCSPObjectIdentifiers.id_pkix_ocsp_nonce)).findFirst();
  }

  /**
   * The nonce's length in octets. RFC 6960 4.4.1 and RFC 8954 put an OCTET STRING inside extnValue; some older
   * clients put the raw octets there instead, and those count as they are.
   */
  private static int nonceLength(Extension nonce) {
    byte[] value = nonce.getExtnValue().getOctets();
    try {
      ASN1Primitive inner = ASN1Primitive.fromByteArray(value);
      if (inner instanceof ASN1OctetString octets) {
        return octets.getOctets().length;
      }
    } catch (IOException | RuntimeException e) {
      // Not DER: the raw form.
    }
    return value.length;
  }
}
