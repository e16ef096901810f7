package org.p11ca.ca.cmc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** Parses the PKIData eContent (RFC 5272 section 3.2.1) into the model, keeping the reqSequence bytes. */
final class PkiDataParser {

  private PkiDataParser() {
  }

  static PkiData parse(byte[] der) {
    DerSpan whole = DerSpan.at(der, 0, "PKIData");
    if (der[0] != 0x30) {
      throw new CaException(FailInfo.BAD_REQUEST, "PKIData is not a SEQUENCE");
    }
    if (whole.end() != der.length) {
      throw new CaException(FailInfo.BAD_REQUEST, "PKIData is followed by " + (der.length - whole.end())
          + " stray bytes");
    }
    DerSpan controlSequence = DerSpan.at(der, whole.contentStart(), "PKIData.controlSequence");
    DerSpan reqSequence = DerSpan.at(der, controlSequence.end(), "PKIData.reqSequence");
    byte[] encodedReqSequence = Arrays.copyOfRange(der, reqSequence.start(), reqSequence.end());

    ASN1Sequence pkiData = Asn1Decoding.decode("PKIData", () -> ASN1Sequence.getInstance(readDer(der)));
    if (pkiData.size() != 4) {
      throw new CaException(FailInfo.BAD_REQUEST, "PKIData has " + pkiData.size() + " fields, not 4");
    }
    List<Control> controls = Asn1Decoding.decode("PKIData.controlSequence",
        () -> ControlSequence.decode(pkiData.getObjectAt(0)));
    List<TaggedRequest> requests = new ArrayList<>();
    for (ASN1Encodable r : Asn1Decoding.decode("PKIData.reqSequence",
        () -> ASN1Sequence.getInstance(pkiData.getObjectAt(1)))) {
      requests.add(Asn1Decoding.decode("TaggedRequest " + (requests.size() + 1), () -> taggedRequest(r)));
    }
    List<CmsSequence> cms = Asn1Decoding.decode("PKIData.cmsSequence", () -> cmsSequence(pkiData.getObjectAt(2)));
    List<OtherMsg> others = Asn1Decoding.decode("PKIData.otherMsgSequence",
        () -> otherMsgs(pkiData.getObjectAt(3)));
    PkiData parsed = new PkiData(controls, requests, cms, others, encodedReqSequence);
    parsed.checkKnownControls();
    return parsed;
  }

  /** One TaggedRequest element from its DER, as the reqSequence parser reads it. */
  static TaggedRequest parseTaggedRequest(byte[] der) {
    return Asn1Decoding.decode("TaggedRequest", () -> taggedRequest(readDer(der)));
  }

  static ASN1Primitive readDer(byte[] der) {
    try {
      return ASN1Primitive.fromByteArray(der);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static TaggedRequest taggedRequest(ASN1Encodable element) {
    ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(element);
    if (tagged.getTagClass() != org.bouncycastle.asn1.BERTags.CONTEXT_SPECIFIC) {
      throw new IllegalArgumentException("not a context-specific CHOICE alternative");
    }
    ASN1Sequence body = ASN1Sequence.getInstance(tagged, false);
    return switch (tagged.getTagNo()) {
      case 0 -> {
        // tcr [0] TaggedCertificationRequest ::= SEQUENCE { bodyPartID, certificationRequest }
        if (body.size() != 2) {
          throw new IllegalArgumentException("TaggedCertificationRequest has " + body.size() + " fields");
        }
        yield new TaggedRequest.Pkcs10(BodyPartIds.of(body.getObjectAt(0)),
            new PKCS10CertificationRequest(CertificationRequest.getInstance(body.getObjectAt(1))));
      }
      case 1 -> {
        CertReqMsg msg = CertReqMsg.getInstance(body);
        yield new TaggedRequest.Crmf(BodyPartIds.of(msg.getCertReq().getCertReqId()), msg);
      }
      case 2 -> {
        if (body.size() != 3) {
          throw new IllegalArgumentException("OtherReqMsgs has " + body.size() + " fields");
        }
        yield new TaggedRequest.Other(BodyPartIds.of(body.getObjectAt(0)),
            ASN1ObjectIdentifier.getInstance(body.getObjectAt(1)), body.getObjectAt(2));
      }
      default -> throw new IllegalArgumentException("unknown TaggedRequest choice [" + tagged.getTagNo() + "]");
    };
  }

  private static List<CmsSequence> cmsSequence(ASN1Encodable sequence) {
    List<CmsSequence> out = new ArrayList<>();
    for (ASN1Encodable e : ASN1Sequence.getInstance(sequence)) {
      ASN1Sequence tci = ASN1Sequence.getInstance(e);
      if (tci.size() != 2) {
        throw new IllegalArgumentException("TaggedContentInfo has " + tci.size() + " fields");
      }
      out.add(new CmsSequence(BodyPartIds.of(tci.getObjectAt(0)), ContentInfo.getInstance(tci.getObjectAt(1))));
    }
    return out;
  }

  private static List<OtherMsg> otherMsgs(ASN1Encodable sequence) {
    List<OtherMsg> out = new ArrayList<>();
    for (ASN1Encodable e : ASN1Sequence.getInstance(sequence)) {
      ASN1Sequence m = ASN1Sequence.getInstance(e);
      if (m.size() != 3) {
        throw new IllegalArgumentException("OtherMsg has " + m.size() + " fields");
      }
      out.add(new OtherMsg(BodyPartIds.of(m.getObjectAt(0)), ASN1ObjectIdentifier.getInstance(m.getObjectAt(1)),
          m.getObjectAt(2)));
    }
    return out;
  }
}
