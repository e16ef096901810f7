package org.p11ca.client;

import java.util.HexFormat;
import java.util.Locale;

/**
 * The subjectKeyIdentifier a self-signed CMC request's SignerInfo names its key by (RFC 5272 section 3.2.1.3.2),
 * and where it came from. The request's own SubjectKeyIdentifier when it asks for one, since the CA requires the
 * two to be equal; otherwise SHA-1 of the key (RFC 5280 section 4.2.1.2 method 1), which the CA derives itself.
 */
record SelfSignerKeyId(byte[] keyId, String origin) {

  SelfSignerKeyId {
    keyId = keyId.clone();
  }

  @Override
  public byte[] keyId() {
    return keyId.clone();
  }

  static SelfSignerKeyId of(EnrollmentRequest request) {
    return request.requestedSubjectKeyId()
        .map(id -> new SelfSignerKeyId(id, "the request's SubjectKeyIdentifier"))
        .orElseGet(() -> new SelfSignerKeyId(SubjectKeyIdentifiers.method1Id(request.publicKeyInfo()),
            "SHA-1 of the key, RFC 5280 section 4.2.1.2 method 1"));
  }

  String hex() {
    return "0x" + HexFormat.of().formatHex(keyId).toUpperCase(Locale.ROOT);
  }
}
