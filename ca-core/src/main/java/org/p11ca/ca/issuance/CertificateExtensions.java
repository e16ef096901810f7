package org.p11ca.ca.issuance;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.p11ca.ca.error.CaException;
import org.p11ca.ca.error.FailInfo;
import org.p11ca.ca.profile.BasicConstraintsPolicy;
import org.p11ca.ca.profile.CertificateLocations;
import org.p11ca.ca.profile.ExtendedKeyUsagePurpose;
import org.p11ca.ca.profile.Profile;

/** The extensions a profile gives a certificate, plus the request's extensions the profile allows to copy. */
final class CertificateExtensions {

  private CertificateExtensions() {
  }

  static List<Extension> forRequest(ApprovedRequest request, IssuingCa ca) {
    Profile profile = request.profile();
    List<Extension> out = new ArrayList<>();
    BasicConstraintsPolicy basic = profile.basicConstraints();
    requirePathLenAllowed(profile, ca);
    // RFC 5280 4.2.1.9: critical in CA certificates ("MUST"); marked critical in end-entity ones too, so no
    // relying party can mistake the certificate for a CA's.
    out.add(extension(Extension.basicConstraints, true, basic.pathLen()
        .map(n -> new BasicConstraints(n)).orElseGet(() -> new BasicConstraints(basic.ca()))));
    // RFC 5280 4.2.1.3; criticality as the profile says (always critical for CA profiles).
    out.add(extension(Extension.keyUsage, profile.keyUsage().critical(), new KeyUsage(profile.keyUsage().mask())));
    if (!profile.extendedKeyUsage().isEmpty()) {
      // RFC 5280 4.2.1.12: either criticality; non-critical keeps clients that do not know a purpose working.
      out.add(extension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(profile.extendedKeyUsage().stream()
          .map(ExtendedKeyUsagePurpose::purposeId).toArray(KeyPurposeId[]::new))));
    }
    if (profile.ocspNoCheck()) {
      // RFC 6960 4.2.2.2.1: "The value of the extension SHALL be NULL"; non-critical, as relying parties that do
      // not know it then simply check the responder's status.
      out.add(extension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE));
    }
    // RFC 5280 4.2.1.2 (method 1) and 4.2.1.1: both non-critical; the AKI is the issuer's SKI, for path building.
    out.add(extension(Extension.subjectKeyIdentifier, false,
        new SubjectKeyIdentifier(IssuingCa.keyIdentifier(request.publicKey()))));
    out.add(extension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(ca.keyIdentifier())));
    subjectAltName(request).ifPresent(out::add);
    CertificateLocations locations = profile.locations();
    locations.crlDistributionPoint().ifPresent(url -> out.add(extension(Extension.cRLDistributionPoints, false,
        // RFC 5280 4.2.1.13: non-critical; a fullName URI, no reasons, the CA itself as CRL issuer.
        new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(new DistributionPointName(
            new GeneralNames(uri(url.toString()))), null, null)}))));
    List<AccessDescription> access = new ArrayList<>();
    locations.ocsp().ifPresent(url -> access.add(
        new AccessDescription(AccessDescription.id_ad_ocsp, uri(url.toString()))));
    locations.caIssuers().ifPresent(url -> access.add(
        new AccessDescription(AccessDescription.id_ad_caIssuers, uri(url.toString()))));
    if (!access.isEmpty()) {
      // RFC 5280 4.2.2.1: "Conforming CAs MUST mark this extension as non-critical."
      out.add(extension(Extension.authorityInfoAccess, false,
          new AuthorityInformationAccess(access.toArray(AccessDescription[]::new))));
    }
    return out;
  }

  /**
   * RFC 5280 4.2.1.9 / 6.1.4 (l)-(m): below an issuer with pathLenConstraint n, at most n further CA certificates
   * may follow; issuing a CA certificate that breaks the issuer's limit yields paths relying parties reject.
   */
  private static void requirePathLenAllowed(Profile profile, IssuingCa ca) {
    if (!profile.basicConstraints().ca() || ca.pathLen().isEmpty()) {
      return;
    }
    BigInteger limit = ca.pathLen().get();
    Optional<Integer> issued = profile.basicConstraints().pathLen();
    if (limit.signum() == 0 || issued.isEmpty() || BigInteger.valueOf(issued.get()).compareTo(limit) >= 0) {
      throw new CaException(FailInfo.BAD_REQUEST, "profile " + profile.id() + " issues a CA certificate with"
          + " pathLen " + issued.map(String::valueOf).orElse("unlimited") + ", which the CA's pathLen " + limit
          + " forbids (RFC 5280 4.2.1.9)");
    }
  }

  private static Optional<Extension> subjectAltName(ApprovedRequest request) {
    Profile profile = request.profile();
    Optional<Extension> requested = request.requestedExtensions().stream()
        .filter(e -> e.getExtnId().equals(Extension.subjectAlternativeName)).findFirst();
    if (!profile.subjectAltName().copyFromRequest()) {
      return Optional.empty();
    }
    Optional<GeneralNames> names;
    try {
      names = requested.map(e -> GeneralNames.getInstance(e.getParsedValue()));
    } catch (IllegalArgumentException e) {
      throw new CaException(FailInfo.BAD_REQUEST, "the requested subjectAltName is not GeneralNames"
          + " (RFC 5280 4.2.1.6)", e);
    }
    boolean hasDns = names.map(n -> Arrays.stream(n.getNames()).anyMatch(g -> g.getTagNo() == GeneralName.dNSName))
        .orElse(false);
    if (profile.subjectAltName().requireDnsName() && !hasDns) {
      throw new CaException(FailInfo.BAD_REQUEST, "profile " + profile.id()
          + " requires a dNSName in the requested subjectAltName (RFC 6125 6.4)");
    }
    // RFC 5280 4.2.1.6: non-critical, since every issued subject is non-empty.
    return names.map(n -> extension(Extension.subjectAlternativeName, false, n));
  }

  private static GeneralName uri(String url) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, url);
  }

  private static Extension extension(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
    try {
      return Extension.create(oid, critical, value);
    } catch (IOException e) {
      throw new CaException(FailInfo.INTERNAL_CA_ERROR, "cannot encode extension " + oid.getId(), e);
    }
  }
}
