package org.p11ca.ca.cmc;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.Controls;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/**
 * One element of PKIData.reqSequence (RFC 5272 section 3.2.1.3). bodyPartIds are kept as sent: Dogtag reuses them
 * (its CRMF certReqId 1 collides with senderNonce's bodyPartID 1), and deciding whether that matters is policy.
 */
public sealed interface TaggedRequest {

  int bodyPartId();

  /** crm [1] CertReqMsg (RFC 4211); its certReqId is its bodyPartID (RFC 5272 section 3.2.1.3.2). */
  record Crmf(int certReqId, CertReqMsg msg) implements TaggedRequest {
    public Crmf {
      Objects.requireNonNull(msg);
    }

    @Override
    public int bodyPartId() {
      return certReqId;
    }

    /** The SubjectKeyIdentifier in the CertTemplate, read in the standard or Dogtag's raw form. */
    public Optional<byte[]> templateSubjectKeyId() {
      return Asn1Decoding.decode("CertTemplate extensions",
          () -> RequestedSubjectKeyId.from(msg.getCertReq().getCertTemplate().getExtensions()));
    }

    /** The popLinkWitnessV2 in CertRequest.controls (RFC 5272 section 6.3.1.1). */
    public Optional<PopLinkWitnessV2> popLinkWitnessV2() {
      Controls controls = Asn1Decoding.decode("CertRequest controls", () -> msg.getCertReq().getControls());
      if (controls == null) {
        return Optional.empty();
      }
      AttributeTypeAndValue[] found = Arrays.stream(controls.toAttributeTypeAndValueArray())
          .filter(a -> CmcObjectIds.POP_LINK_WITNESS_V2.equals(a.getType()))
          .toArray(AttributeTypeAndValue[]::new);
      if (found.length > 1) {
        throw new CaException(FailInfo.BAD_REQUEST, "CRMF request " + certReqId + " has " + found.length
            + " popLinkWitnessV2 controls");
      }
      return found.length == 0 ? Optional.empty() : Optional.of(PopLinkWitnessV2.decode(found[0].getValue()));
    }
  }

  /** tcr [0] TaggedCertificationRequest: a PKCS#10 request with its bodyPartID. */
  record Pkcs10(int bodyPartId, PKCS10CertificationRequest csr) implements TaggedRequest {
    public Pkcs10 {
      Objects.requireNonNull(csr);
    }

    /** The SubjectKeyIdentifier in the extensionRequest attribute, standard or raw form. */
    public Optional<byte[]> requestedSubjectKeyId() {
      return Asn1Decoding.decode("PKCS#10 extensionRequest",
          () -> RequestedSubjectKeyId.from(csr.getRequestedExtensions()));
    }

    /** The popLinkWitnessV2 attribute (RFC 5272 section 6.3.1.1). */
    public Optional<PopLinkWitnessV2> popLinkWitnessV2() {
      Attribute[] found = csr.getAttributes(CmcObjectIds.POP_LINK_WITNESS_V2);
      if (found.length > 1 || (found.length == 1 && found[0].getAttrValues().size() != 1)) {
        throw new CaException(FailInfo.BAD_REQUEST, "PKCS#10 request " + bodyPartId
            + " has more than one popLinkWitnessV2");
      }
      return found.length == 0 ? Optional.empty()
          : Optional.of(PopLinkWitnessV2.decode(found[0].getAttrValues().getObjectAt(0)));
    }
  }

  /** orm [2] OtherReqMsgs: another request format, kept raw (RFC 5272 section 3.2.1.3.3). */
  record Other(int bodyPartId, ASN1ObjectIdentifier type, ASN1Encodable value) implements TaggedRequest {
    public Other {
      Objects.requireNonNull(type);
      Objects.requireNonNull(value);
    }
  }
}
