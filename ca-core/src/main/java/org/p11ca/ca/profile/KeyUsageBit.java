package org.p11ca.ca.profile;

import java.util.Arrays;
import java.util.Optional;

/** The KeyUsage bits of RFC 5280 section 4.2.1.3, by their ASN.1 names, with Bouncy Castle's bit masks. */
public enum KeyUsageBit {
  DIGITAL_SIGNATURE("digitalSignature", org.bouncycastle.asn1.x509.KeyUsage.digitalSignature),
  /** Renamed contentCommitment in X.509 (2008); RFC 5280 keeps nonRepudiation. */
  NON_REPUDIATION("nonRepudiation", org.bouncycastle.asn1.x509.KeyUsage.nonRepudiation),
  KEY_ENCIPHERMENT("keyEncipherment", org.bouncycastle.asn1.x509.KeyUsage.keyEncipherment),
  DATA_ENCIPHERMENT("dataEncipherment", org.bouncycastle.asn1.x509.KeyUsage.dataEncipherment),
  KEY_AGREEMENT("keyAgreement", org.bouncycastle.asn1.x509.KeyUsage.keyAgreement),
  KEY_CERT_SIGN("keyCertSign", org.bouncycastle.asn1.x509.KeyUsage.keyCertSign),
  CRL_SIGN("cRLSign", org.bouncycastle.asn1.x509.KeyUsage.cRLSign),
  ENCIPHER_ONLY("encipherOnly", org.bouncycastle.asn1.x509.KeyUsage.encipherOnly),
  DECIPHER_ONLY("decipherOnly", org.bouncycastle.asn1.x509.KeyUsage.decipherOnly);

  private final String asn1Name;
  private final int mask;

  KeyUsageBit(String asn1Name, int mask) {
    this.asn1Name = asn1Name;
    this.mask = mask;
  }

  public String asn1Name() {
    return asn1Name;
  }

  /** The bit as Bouncy Castle's {@code KeyUsage(int)} expects it. */
  public int mask() {
    return mask;
  }

  /** True for the bits that assert the key makes signatures, which only a proven signing key may carry. */
  public boolean isSigning() {
    return this == DIGITAL_SIGNATURE || this == NON_REPUDIATION || this == KEY_CERT_SIGN || this == CRL_SIGN;
  }

  public static Optional<KeyUsageBit> ofName(String name) {
    return Arrays.stream(values()).filter(b -> b.asn1Name.equals(name.trim())).findFirst();
  }

  @Override
  public String toString() {
    return asn1Name;
  }
}
