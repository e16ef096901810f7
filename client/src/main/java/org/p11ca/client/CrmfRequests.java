package org.p11ca.client;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.crmf.AttributeTypeAndValue;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.crmf.CertRequest;
import org.bouncycastle.asn1.crmf.CertTemplate;
import org.bouncycastle.asn1.crmf.CertTemplateBuilder;
import org.bouncycastle.asn1.crmf.Controls;
import org.bouncycastle.asn1.crmf.ProofOfPossession;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.crmf.ProofOfPossessionSigningKeyBuilder;

/** Builds a CRMF CertReqMsg (RFC 4211) the way Dogtag's CRMFPopClient does. */
final class CrmfRequests {
  private CrmfRequests() {
  }

  /** Proof of possession: a signature by the request key, or none (the CA then answers with EncryptedPOP). */
  enum Pop { SIGNATURE, NONE }

  /**
   * CertTemplate with version 2 (v3, RFC 4211 section 5 allows only that value), subject, publicKey and, asked for,
   * a SubjectKeyIdentifier extension; the archival control, if given, is the CertRequest's only control. With
   * {@link Pop#SIGNATURE} the POPOSigningKey has no poposkInput and signs DER(CertRequest), controls included, RFC
   * 4211 section 4.1 case 3, the form Dogtag's POP_SUCCESS sends.
   */
  static CertReqMsg build(int certReqId, X500Name subject, RequestKey key, boolean withSki, Pop pop,
      Optional<AttributeTypeAndValue> archiveOptions) {
    CertTemplateBuilder template = new CertTemplateBuilder()
        .setVersion(2)
        .setSubject(subject)
        .setPublicKey(key.publicKeyInfo());
    if (withSki) {
      template.setExtensions(new Extensions(SubjectKeyIdentifiers.method1(key.publicKeyInfo())));
    }
    CertTemplate built = template.build();
    // The control is in the CertRequest before the POP is computed, so the signature covers it.
    CertRequest request = new CertRequest(new ASN1Integer(certReqId), built,
        archiveOptions.map(Controls::new).orElse(null));
    Optional<ProofOfPossession> proof = pop == Pop.SIGNATURE
        ? Optional.of(new ProofOfPossession(new ProofOfPossessionSigningKeyBuilder(request).build(key.signer())))
        : Optional.empty();
    return new CertReqMsg(request, proof.orElse(null), null);
  }
}
