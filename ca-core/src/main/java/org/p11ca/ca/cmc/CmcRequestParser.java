package org.p11ca.ca.cmc;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.cms.CMSSignedData;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * Bytes of a CMC request to {@link CmcRequest}: structure only, no decision on trust or proof. Accepts
 * ContentInfo{SignedData{id-cct-PKIData}} (RFC 5272 section 3.2) and ContentInfo{id-data, PKIData}, the unsigned
 * form Dogtag's CMCRequest writes for a shared-secret revocation. Throws only {@link CaException}.
 */
public final class CmcRequestParser {

  private CmcRequestParser() {
  }

  public static CmcRequest parse(byte[] der) {
    try {
      return parseContentInfo(der);
    } catch (CaException e) {
      throw e;
    } catch (RuntimeException e) {
      // Safety net: Bouncy Castle parses parts of SignedData lazily and reports bad input as unchecked exceptions.
      throw new CaException(FailInfo.BAD_REQUEST, "malformed CMC request: " + Asn1Decoding.oneLine(e), e);
    }
  }

  /** A single TaggedRequest element (e.g. one stored between the rounds of an EncryptedPOP exchange). */
  public static TaggedRequest parseTaggedRequest(byte[] der) {
    try {
      return PkiDataParser.parseTaggedRequest(der);
    } catch (CaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "malformed TaggedRequest: " + Asn1Decoding.oneLine(e), e);
    }
  }

  private static CmcRequest parseContentInfo(byte[] der) {
    ContentInfo ci = SignedDataReader.contentInfo(der, "CMC request");
    ASN1ObjectIdentifier type = ci.getContentType();
    if (CMSObjectIdentifiers.signedData.equals(type)) {
      return signed(ci);
    }
    if (CMSObjectIdentifiers.data.equals(type)) {
      byte[] pkiData = Asn1Decoding.decode("id-data content",
          () -> ASN1OctetString.getInstance(ci.getContent()).getOctets());
      return new CmcRequest(Optional.empty(), PkiDataParser.parse(pkiData), pkiData);
    }
    throw new CaException(FailInfo.BAD_REQUEST, "CMC request content type " + type
        + " is neither signedData nor data");
  }

  private static CmcRequest signed(ContentInfo ci) {
    CMSSignedData sd = SignedDataReader.signedData(ci);
    ASN1ObjectIdentifier eContentType = sd.getSignedContentTypeOID() == null ? null
        : new ASN1ObjectIdentifier(sd.getSignedContentTypeOID());
    if (!CmcObjectIds.PKI_DATA.equals(eContentType)) {
      throw new CaException(FailInfo.BAD_REQUEST, "SignedData carries " + eContentType
          + ", not id-cct-PKIData (RFC 5272 section 3.2)");
    }
    byte[] pkiData = SignedDataReader.eContent(sd).orElseThrow(() -> new CaException(FailInfo.BAD_REQUEST,
        "SignedData has no eContent: a detached CMC request cannot be processed"));
    CmcSignature signature = SignedDataReader.signature(sd);
    return new CmcRequest(Optional.of(signature), PkiDataParser.parse(pkiData), pkiData);
  }
}
