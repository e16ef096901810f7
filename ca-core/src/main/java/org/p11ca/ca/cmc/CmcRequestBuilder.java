package org.p11ca.ca.cmc;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Builds a Full PKI Request (RFC 5272 section 3.2): PKIData with a controlSequence and a reqSequence of CRMF or
 * PKCS#10 TaggedRequests, then signs it (SignedData, SignerInfo by issuerAndSerialNumber) or leaves it unsigned
 * (ContentInfo id-data). Controls get bodyPartIDs 1, 2, ... that skip the ids the requests use, so no two body parts
 * share an id (RFC 5272 section 3.2.1 asks for unique ids; Dogtag's tools do not manage it). One builder per request.
 */
public final class CmcRequestBuilder {

  /** As Dogtag's CMCRequest does: 32 random bytes (it sends them as base64 text; this builder sends them raw). */
  private static final int SENDER_NONCE_BYTES = 32;

  private final SecureRandom random;
  private final List<PendingControl> controls = new ArrayList<>();
  private final List<Request> requests = new ArrayList<>();
  private Optional<byte[]> senderNonce = Optional.empty();
  private Optional<BigInteger> transactionId = Optional.empty();
  private Optional<String> identification = Optional.empty();
  private Optional<IdentityProofRecipe> identityProof = Optional.empty();

  /** What identityProofV2 needs; the witness is computed once reqSequence is final. */
  private record IdentityProofRecipe(AlgorithmIdentifier hash, AlgorithmIdentifier mac, byte[] secret) {
  }

  private record PendingControl(ASN1ObjectIdentifier type, ASN1Encodable value) {
  }

  private record Request(int bodyPartId, ASN1Encodable tagged) {
  }

  public CmcRequestBuilder(SecureRandom random) {
    this.random = Objects.requireNonNull(random);
  }

  /** Sets the senderNonce; without one, {@link #encodePkiData} draws 32 random octets. */
  public CmcRequestBuilder senderNonce(byte[] nonce) {
    senderNonce = Optional.of(nonce.clone());
    return this;
  }

  /** Dogtag's CMCRequest encoding of the senderNonce: base64 text of 32 random bytes followed by CRLF. */
  public CmcRequestBuilder dogtagStyleSenderNonce() {
    byte[] raw = new byte[SENDER_NONCE_BYTES];
    random.nextBytes(raw);
    return senderNonce((Base64.getMimeEncoder().encodeToString(raw) + "\r\n").getBytes(
        java.nio.charset.StandardCharsets.US_ASCII));
  }

  public CmcRequestBuilder transactionId(BigInteger id) {
    transactionId = Optional.of(id);
    return this;
  }

  /** The identification control (RFC 5272 section 6.2.3). */
  public CmcRequestBuilder identification(String identification) {
    this.identification = Optional.of(identification);
    return control(CmcObjectIds.IDENTIFICATION, new DERUTF8String(identification));
  }

  /**
   * Adds identityProofV2 (RFC 5272 section 6.2.1): the MAC, keyed from {@code sharedSecret} (UTF-8; the builder
   * keeps a copy until it is dropped) and the identification control if set, over the reqSequence DER.
   */
  public CmcRequestBuilder identityProofV2(AlgorithmIdentifier hash, AlgorithmIdentifier mac, byte[] sharedSecret) {
    identityProof = Optional.of(new IdentityProofRecipe(Objects.requireNonNull(hash), Objects.requireNonNull(mac),
        sharedSecret.clone()));
    return this;
  }

  /** A revokeRequest control (RFC 5272 section 6.11). */
  public CmcRequestBuilder revokeRequest(RevocationRequest request) {
    return control(CmcObjectIds.REVOKE_REQUEST, request.encode());
  }

  /** popLinkRandom (RFC 5272 section 6.3.1.3): the R the requests' popLinkWitnessV2 MACs. */
  public CmcRequestBuilder popLinkRandom(byte[] random) {
    return control(CmcObjectIds.POP_LINK_RANDOM, new DEROctetString(random));
  }

  /** Any other control, e.g. decryptedPOP, regInfo, revokeRequest, identityProofV2. */
  public CmcRequestBuilder control(ASN1ObjectIdentifier type, ASN1Encodable value) {
    controls.add(new PendingControl(Objects.requireNonNull(type), Objects.requireNonNull(value)));
    return this;
  }

  /** crm [1] CertReqMsg; its certReqId is its bodyPartID (RFC 5272 section 3.2.1.3.2). */
  public CmcRequestBuilder crmf(CertReqMsg msg) {
    int id = msg.getCertReq().getCertReqId().intValueExact();
    requests.add(new Request(id, new DERTaggedObject(false, 1, msg)));
    return this;
  }

  /** tcr [0] TaggedCertificationRequest {bodyPartID, certificationRequest}. */
  public CmcRequestBuilder pkcs10(int bodyPartId, PKCS10CertificationRequest csr) {
    requests.add(new Request(bodyPartId, new DERTaggedObject(false, 0,
        new DERSequence(new ASN1Encodable[] {BodyPartIds.encode(bodyPartId), csr.toASN1Structure()}))));
    return this;
  }

  /** The PKIData DER: what a signature covers and what identityProofV2 is computed over (its reqSequence). */
  public byte[] encodePkiData() {
    Set<Integer> taken = new HashSet<>();
    for (Request r : requests) {
      if (!taken.add(r.bodyPartId())) {
        throw new IllegalStateException("two requests share bodyPartID " + r.bodyPartId());
      }
    }
    List<Control> encoded = new ArrayList<>();
    int[] next = {1};
    java.util.function.BiConsumer<ASN1ObjectIdentifier, ASN1Encodable> add = (type, value) -> {
      while (taken.contains(next[0])) {
        next[0]++;
      }
      encoded.add(new Control(next[0], type, List.of(value)));
      taken.add(next[0]);
    };
    byte[] nonce = senderNonce.orElseGet(() -> {
      byte[] n = new byte[SENDER_NONCE_BYTES];
      random.nextBytes(n);
      return n;
    });
    add.accept(CmcObjectIds.SENDER_NONCE, new DEROctetString(nonce));
    transactionId.ifPresent(t -> add.accept(CmcObjectIds.TRANSACTION_ID, new ASN1Integer(t)));
    for (PendingControl c : controls) {
      add.accept(c.type(), c.value());
    }
    DERSequence reqSequence = new DERSequence(requests.stream().map(Request::tagged).toArray(ASN1Encodable[]::new));
    try {
      if (identityProof.isPresent()) {
        IdentityProofRecipe p = identityProof.get();
        byte[] key = SharedSecretMacs.identityProofKey(p.hash(), p.secret(), identification);
        byte[] witness = SharedSecretMacs.mac(p.mac(), key, reqSequence.getEncoded(ASN1Encoding.DER),
            "identityProofV2 macAlgId");
        java.util.Arrays.fill(key, (byte) 0);
        add.accept(CmcObjectIds.IDENTITY_PROOF_V2, new DERSequence(new ASN1Encodable[] {p.hash(), p.mac(),
            new DEROctetString(witness)}));
      }
      return new DERSequence(new ASN1Encodable[] {
          ControlSequence.encode(encoded),
          reqSequence,
          new DERSequence(),
          new DERSequence()}).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory failed", e);
    }
  }

  /**
   * SignedData over the PKIData, signed by {@code signer} (the holder of {@code signerCertificate}, on a token or in
   * software), carrying {@code certificates} (the signer's certificate and, usually, its CA chain).
   */
  public byte[] sign(ContentSigner signer, X509CertificateHolder signerCertificate,
      List<X509CertificateHolder> certificates, Clock clock) {
    return CmsResponseSigner.sign(CmcObjectIds.PKI_DATA, encodePkiData(), List.copyOf(certificates), signer,
        signerCertificate, clock);
  }

  /**
   * A self-signed request (RFC 5272 section 3.2.1.3.2 with RFC 6402): SignedData over the PKIData whose SignerInfo
   * names the requested key by {@code subjectKeyId} and that carries no certificates; {@code signer} is that key.
   */
  public byte[] signSelf(ContentSigner signer, byte[] subjectKeyId, Clock clock) {
    return CmsResponseSigner.signByKeyId(CmcObjectIds.PKI_DATA, encodePkiData(), signer, subjectKeyId, clock);
  }

  /** ContentInfo{id-data, PKIData}: the unsigned form Dogtag uses for a shared-secret revocation. */
  public byte[] unsigned() {
    try {
      return new ContentInfo(CMSObjectIdentifiers.data, new DEROctetString(encodePkiData()))
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory failed", e);
    }
  }
}
