package org.p11ca.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.Controls;
import org.bouncycastle.asn1.crmf.POPOSigningKey;
import org.bouncycastle.asn1.crmf.ProofOfPossession;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.cert.crmf.ProofOfPossessionSigningKeyBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.p11ca.ca.cmc.CmcObjectIds;

/**
 * Puts a popLinkWitnessV2 inside a certification request (RFC 5272 section 6.3.1.1), as Dogtag's CMCRequest does:
 * a CRMF CertRequest control, or a PKCS#10 attribute. Everything else in the request stays as it was; the
 * signature over the changed part is redone with the requested key, since the old one no longer covers it. The
 * key is SHA-256 with RSA or ECDSA as for every request p11ca-cmc signs, so the POP keeps its key's family.
 */
final class PopLinkedRequests {
  private PopLinkedRequests() {
  }

  /** The rebuilt request and what was redone, for the output line. */
  record Rebuilt(EnrollmentRequest request, String describe) {
  }

  static Rebuilt withWitness(EnrollmentRequest request, ASN1Encodable witness, RequestKey key) {
    if (request instanceof EnrollmentRequest.Crmf crmf) {
      return crmf(crmf.msg(), witness, key);
    }
    return pkcs10(((EnrollmentRequest.Pkcs10) request).csr(), witness, key);
  }

  /**
   * The witness joins CertRequest.controls after the controls already there; a signature POP is redone over
   * DER(CertRequest) without poposkInput (RFC 4211 section 4.1, the form Dogtag sends), other POPs stay as they
   * are, since they sign nothing.
   */
  private static Rebuilt crmf(CertReqMsg msg, ASN1Encodable witness, RequestKey key) {
    CertRequest old = msg.getCertReq();
    List<AttributeTypeAndValue> controls = new ArrayList<>();
    if (old.getControls() != null) {
      for (AttributeTypeAndValue c : old.getControls().toAttributeTypeAndValueArray()) {
        if (CmcObjectIds.POP_LINK_WITNESS_V2.equals(c.getType())) {
          throw new CmcToolException("the CRMF request already has a popLinkWitnessV2 control: give the request"
              + " without it, p11ca-cmc adds a fresh one");
        }
        controls.add(c);
      }
    }
    controls.add(new AttributeTypeAndValue(CmcObjectIds.POP_LINK_WITNESS_V2, witness));
    CertRequest request = new CertRequest(old.getCertReqId(), old.getCertTemplate(),
        new Controls(controls.toArray(AttributeTypeAndValue[]::new)));
    ProofOfPossession pop = msg.getPop();
    String redone;
    if (pop == null) {
      redone = "no POP to redo";
    } else if (pop.getType() == ProofOfPossession.TYPE_SIGNING_KEY) {
      if (POPOSigningKey.getInstance(pop.getObject()).getPoposkInput() != null) {
        // With poposkInput the signature covers that structure, not the CertRequest (RFC 4211 section 4.1), so
        // the witness would not be signed at all.
        throw new CmcToolException("the CRMF request's POPOSigningKey signs a poposkInput: --pop-link-witness-v2"
            + " needs a request whose POP signs the CertRequest (make it with p11ca-cmc crmf)");
      }
      pop = new ProofOfPossession(new ProofOfPossessionSigningKeyBuilder(request).build(key.signer()));
      redone = "POP re-signed";
    } else {
      redone = "POP kept (it signs nothing)";
    }
    return new Rebuilt(new EnrollmentRequest.Crmf(new CertReqMsg(request, pop, msg.getRegInfo())),
        "in CRMF controls, " + redone);
  }

  /** The witness joins the CertificationRequestInfo attributes, and the request is signed anew (RFC 2986). */
  private static Rebuilt pkcs10(PKCS10CertificationRequest csr, ASN1Encodable witness, RequestKey key) {
    if (csr.getAttributes(CmcObjectIds.POP_LINK_WITNESS_V2).length > 0) {
      throw new CmcToolException("the PKCS#10 request already has a popLinkWitnessV2 attribute: give the request"
          + " without it, p11ca-cmc adds a fresh one");
    }
    CertificationRequestInfo old = csr.toASN1Structure().getCertificationRequestInfo();
    ASN1EncodableVector attributes = new ASN1EncodableVector();
    ASN1Set existing = old.getAttributes();
    if (existing != null) {
      existing.forEach(attributes::add);
    }
    attributes.add(new Attribute(CmcObjectIds.POP_LINK_WITNESS_V2, new DERSet(witness)));
    CertificationRequestInfo info = new CertificationRequestInfo(old.getSubject(), old.getSubjectPublicKeyInfo(),
        new DERSet(attributes));
    ContentSigner signer = key.signer();
    try {
      signer.getOutputStream().write(info.getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory failed", e);
    }
    PKCS10CertificationRequest signed = new PKCS10CertificationRequest(new CertificationRequest(info,
        signer.getAlgorithmIdentifier(), new DERBitString(signer.getSignature())));
    return new Rebuilt(new EnrollmentRequest.Pkcs10(signed), "as a PKCS#10 attribute, CSR re-signed");
  }
}
