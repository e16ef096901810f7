package org.p11ca.ca.cmc;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * Reads the SubjectKeyIdentifier a request asks for. RFC 5280 section 4.2.1.2 wants extnValue = DER(OCTET STRING
 * keyId); Dogtag's CRMFPopClient -y puts the raw 20 key-id bytes in extnValue instead. Both are accepted: when
 * extnValue is exactly one well-formed OCTET STRING it is the standard form, otherwise the bytes are the key id.
 * A raw id that happens to be a well-formed OCTET STRING TLV is read as the standard form; for a 20-byte SHA-1 id
 * that needs the leading bytes 04 12, a 1 in 65536 chance that only makes a self-signed request fail to match.
 */
final class RequestedSubjectKeyId {

  private RequestedSubjectKeyId() {
  }

  static Optional<byte[]> from(Extensions extensions) {
    if (extensions == null) {
      return Optional.empty();
    }
    Extension ext = extensions.getExtension(Extension.subjectKeyIdentifier);
    return ext == null ? Optional.empty() : Optional.of(standardOrRaw(ext.getExtnValue().getOctets()));
  }

  static byte[] standardOrRaw(byte[] extnValue) {
    if (extnValue.length >= 2 && extnValue[0] == 0x04) {
      try {
        ASN1Primitive p = ASN1Primitive.fromByteArray(extnValue);
        if (p instanceof ASN1OctetString o && p.getEncoded("DER").length == extnValue.length) {
          return o.getOctets();
        }
      } catch (java.io.IOException | RuntimeException e) {
        // Not a TLV: the raw form.
      }
    }
    return extnValue.clone();
  }
}
