package org.p11ca.ca.service;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.crmf.CertTemplate;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.ca.cmc.DistinguishedNames;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;

/** What a CRMF template or a PKCS#10 asks for: subject (a CRMF template may leave it out), key and extensions. */
record RequestedCertificate(Optional<X500Name> subject, SubjectPublicKeyInfo publicKey, List<Extension> extensions) {

  RequestedCertificate {
    Objects.requireNonNull(subject);
    Objects.requireNonNull(publicKey);
    extensions = List.copyOf(extensions);
  }

  static RequestedCertificate of(TaggedRequest request) {
    if (request instanceof TaggedRequest.Crmf crmf) {
      CertTemplate t = crmf.msg().getCertReq().getCertTemplate();
      if (t.getPublicKey() == null) {
        throw new CaException(FailInfo.BAD_REQUEST, "CRMF request " + crmf.certReqId()
            + " has no publicKey in its CertTemplate (RFC 4211 section 5)");
      }
      return new RequestedCertificate(subject(t.getSubject(), request), t.getPublicKey(), list(t.getExtensions()));
    }
    if (request instanceof TaggedRequest.Pkcs10 p10) {
      Extensions requested;
      try {
        requested = p10.csr().getRequestedExtensions();
      } catch (RuntimeException e) {
        throw new CaException(FailInfo.BAD_REQUEST, "PKCS#10 request " + p10.bodyPartId() + " has a malformed"
            + " extensionRequest attribute (RFC 2985 section 5.4.2)");
      }
      return new RequestedCertificate(subject(p10.csr().getSubject(), request), p10.csr().getSubjectPublicKeyInfo(),
          list(requested));
    }
    throw new CaException(FailInfo.BAD_REQUEST, "request " + request.bodyPartId()
        + " is an OtherReqMsg, which this CA does not process");
  }

  private static Optional<X500Name> subject(X500Name name, TaggedRequest request) {
    if (name == null || name.getRDNs().length == 0) {
      return Optional.empty();
    }
    return Optional.of(DistinguishedNames.requireWellFormed(name, "request " + request.bodyPartId()
        + "'s subject"));
  }

  private static List<Extension> list(Extensions extensions) {
    if (extensions == null) {
      return List.of();
    }
    return java.util.Arrays.stream(extensions.getExtensionOIDs()).map(extensions::getExtension).toList();
  }
}
