package org.p11ca.ca.profile;

import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** The key purposes of RFC 5280 section 4.2.1.12 a profile may name, by their ASN.1 names. */
public enum ExtendedKeyUsagePurpose {
  SERVER_AUTH("serverAuth", KeyPurposeId.id_kp_serverAuth),
  CLIENT_AUTH("clientAuth", KeyPurposeId.id_kp_clientAuth),
  CODE_SIGNING("codeSigning", KeyPurposeId.id_kp_codeSigning),
  EMAIL_PROTECTION("emailProtection", KeyPurposeId.id_kp_emailProtection),
  TIME_STAMPING("timeStamping", KeyPurposeId.id_kp_timeStamping),
  OCSP_SIGNING("OCSPSigning", KeyPurposeId.id_kp_OCSPSigning);

  private final String asn1Name;
  private final KeyPurposeId purposeId;

  ExtendedKeyUsagePurpose(String asn1Name, KeyPurposeId purposeId) {
    this.asn1Name = asn1Name;
    this.purposeId = purposeId;
  }

  public String asn1Name() {
    return asn1Name;
  }

  public KeyPurposeId purposeId() {
    return purposeId;
  }

  public static Optional<ExtendedKeyUsagePurpose> ofName(String name) {
    return Arrays.stream(values()).filter(p -> p.asn1Name.equals(name.trim())).findFirst();
  }

  @Override
  public String toString() {
    return asn1Name;
  }
}
