package org.p11ca.ca.cmc;

import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cms.CMSSignedData;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** Bytes of a CMC response to {@link CmcResponse}, for client tools and tests. Throws only {@link CaException}. */
public final class CmcResponseParser {

  private CmcResponseParser() {
  }

  public static CmcResponse parse(byte[] der) {
    try {
      return parseContentInfo(der);
    } catch (CaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "malformed CMC response: " + Asn1Decoding.oneLine(e), e);
    }
  }

  private static CmcResponse parseContentInfo(byte[] der) {
    ContentInfo ci = SignedDataReader.contentInfo(der, "CMC response");
    if (!CMSObjectIdentifiers.signedData.equals(ci.getContentType())) {
      throw new CaException(FailInfo.BAD_REQUEST, "CMC response content type " + ci.getContentType()
          + " is not signedData");
    }
    CMSSignedData sd = SignedDataReader.signedData(ci);
    ASN1ObjectIdentifier eContentType = new ASN1ObjectIdentifier(sd.getSignedContentTypeOID());
    Optional<byte[]> eContent = SignedDataReader.eContent(sd);
    if (CMSObjectIdentifiers.data.equals(eContentType) && eContent.isEmpty()
        && sd.getSignerInfos().getSigners().isEmpty()) {
      // Simple PKI Response, RFC 5272 section 4.1.
      return new CmcResponse(Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty(),
          Optional.empty(), SignedDataReader.certificates(sd));
    }
    if (!CmcObjectIds.PKI_RESPONSE.equals(eContentType)) {
      throw new CaException(FailInfo.BAD_REQUEST, "SignedData carries " + eContentType
          + ", not id-cct-PKIResponse (RFC 5272 section 4.2)");
    }
    byte[] content = eContent.orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST,
        "PKIResponse SignedData has no eContent"));
    CmcSignature signature = SignedDataReader.signature(sd);
    ASN1Sequence pkiResponse = Asn1Decoding.decode("PKIResponse",
        () -> ASN1Sequence.getInstance(PkiDataParser.readDer(content)));
    if (pkiResponse.size() != 3) {
      throw new CaException(FailInfo.BAD_REQUEST, "PKIResponse has " + pkiResponse.size() + " fields, not 3");
    }
    List<Control> controls = Asn1Decoding.decode("PKIResponse.controlSequence",
        () -> ControlSequence.decode(pkiResponse.getObjectAt(0)));
    KnownControls known = new KnownControls(controls);
    List<CmcStatusInfo> statuses = known.all(CmcObjectIds.STATUS_INFO_V2, "statusInfoV2", CmcStatusInfo::decode);
    return new CmcResponse(Optional.of(signature), controls, statuses,
        known.octets(CmcObjectIds.RECIPIENT_NONCE, "recipientNonce"),
        known.octets(CmcObjectIds.SENDER_NONCE, "senderNonce"),
        known.integer(CmcObjectIds.TRANSACTION_ID, "transactionId"),
        signature.certificates());
  }
}
