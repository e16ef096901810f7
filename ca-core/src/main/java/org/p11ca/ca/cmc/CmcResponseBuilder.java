package org.p11ca.ca.cmc;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;

/**
 * Builds a Full PKI Response (RFC 5272 section 4.2): ContentInfo{SignedData{id-cct-PKIResponse}} with
 * PKIResponse{controlSequence, cmsSequence (empty), otherMsgSequence (empty)}. Controls get bodyPartIDs 1, 2, ... in
 * the order: statuses, recipientNonce, senderNonce, transactionId, extra controls. One builder per response.
 */
public final class CmcResponseBuilder {

  /** RFC 5272 section 6.6 leaves the nonce length open; 16 random octets are enough to be unique. */
  private static final int SENDER_NONCE_BYTES = 16;

  private final Clock clock;
  private final SecureRandom random;
  private final List<CmcStatusInfo> statuses = new ArrayList<>();
  private final List<ExtraControl> extraControls = new ArrayList<>();
  private final List<X509CertificateHolder> certificates = new ArrayList<>();
  private Optional<byte[]> recipientNonce = Optional.empty();
  private Optional<BigInteger> transactionId = Optional.empty();

  private record ExtraControl(ASN1ObjectIdentifier type, ASN1Encodable value) {
  }

  public CmcResponseBuilder(Clock clock, SecureRandom random) {
    this.clock = Objects.requireNonNull(clock);
    this.random = Objects.requireNonNull(random);
  }

  public CmcResponseBuilder status(CmcStatusInfo status) {
    statuses.add(Objects.requireNonNull(status));
    return this;
  }

  /**
   * Echoes the request's senderNonce as recipientNonce, byte for byte (RFC 5272 section 6.6; Dogtag compares the
   * base64 text + CRLF it sent), and its transactionId (section 6.5).
   */
  public CmcResponseBuilder echoing(PkiData request) {
    request.senderNonce().ifPresent(this::recipientNonce);
    request.transactionId().ifPresent(this::transactionId);
    return this;
  }

  public CmcResponseBuilder recipientNonce(byte[] nonce) {
    recipientNonce = Optional.of(nonce.clone());
    return this;
  }

  public CmcResponseBuilder transactionId(BigInteger id) {
    transactionId = Optional.of(id);
    return this;
  }

  /** Any further control, e.g. encryptedPOP or responseInfo. */
  public CmcResponseBuilder control(ASN1ObjectIdentifier type, ASN1Encodable value) {
    extraControls.add(new ExtraControl(Objects.requireNonNull(type), Objects.requireNonNull(value)));
    return this;
  }

  /** Certificates for SignedData.certificates: the issued ones, then the CA chain. */
  public CmcResponseBuilder certificates(List<X509CertificateHolder> certs) {
    certificates.addAll(certs);
    return this;
  }

  /** The PKIResponse DER, unsigned; what {@link #sign} puts in the eContent. */
  public byte[] encodePkiResponse() {
    List<Control> controls = new ArrayList<>();
    for (CmcStatusInfo s : statuses) {
      controls.add(control(controls, CmcObjectIds.STATUS_INFO_V2, s.encode()));
    }
    recipientNonce.ifPresent(n -> controls.add(control(controls, CmcObjectIds.RECIPIENT_NONCE,
        new DEROctetString(n))));
    byte[] senderNonce = new byte[SENDER_NONCE_BYTES];
    random.nextBytes(senderNonce);
    controls.add(control(controls, CmcObjectIds.SENDER_NONCE, new DEROctetString(senderNonce)));
    transactionId.ifPresent(t -> controls.add(control(controls, CmcObjectIds.TRANSACTION_ID, new ASN1Integer(t))));
    for (ExtraControl c : extraControls) {
      controls.add(control(controls, c.type(), c.value()));
    }
    try {
      return new DERSequence(new ASN1Encodable[] {
          ControlSequence.encode(controls), new DERSequence(), new DERSequence()}).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory failed", e);
    }
  }

  private static Control control(List<Control> sofar, ASN1ObjectIdentifier type, ASN1Encodable value) {
    return new Control(sofar.size() + 1, type, List.of(value));
  }

  /**
   * Signs on whatever {@code signer} wraps (a token key through TokenContentSigner); {@code signerCertificate} names
   * the SignerInfo by issuer and serial.
   */
  public byte[] sign(ContentSigner signer, X509CertificateHolder signerCertificate) {
    if (statuses.isEmpty()) {
      // RFC 5272 section 6.1.1: statusInfoV2 may be omitted on success only if something else is in the response;
      // this CA always states the outcome.
      throw new IllegalStateException("a Full PKI Response needs at least one CMCStatusInfoV2");
    }
    return CmsResponseSigner.sign(CmcObjectIds.PKI_RESPONSE, encodePkiResponse(), List.copyOf(certificates), signer,
        signerCertificate, clock);
  }
}
