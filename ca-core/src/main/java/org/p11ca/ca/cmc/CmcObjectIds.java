package org.p11ca.ca.cmc;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** The CMC object identifiers this package reads and writes (RFC 5272 section 3 and 6, RFC 6402). */
public final class CmcObjectIds {

  /** id-cmc, RFC 5272 section 3. */
  public static final ASN1ObjectIdentifier ID_CMC = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.7");
  /** id-cct-PKIData, RFC 5272 section 3.2. */
  public static final ASN1ObjectIdentifier PKI_DATA = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.12.2");
  /** id-cct-PKIResponse, RFC 5272 section 4.2. */
  public static final ASN1ObjectIdentifier PKI_RESPONSE = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.12.3");

  public static final ASN1ObjectIdentifier IDENTIFICATION = ID_CMC.branch("2");
  public static final ASN1ObjectIdentifier TRANSACTION_ID = ID_CMC.branch("5");
  public static final ASN1ObjectIdentifier SENDER_NONCE = ID_CMC.branch("6");
  public static final ASN1ObjectIdentifier RECIPIENT_NONCE = ID_CMC.branch("7");
  public static final ASN1ObjectIdentifier ENCRYPTED_POP = ID_CMC.branch("9");
  public static final ASN1ObjectIdentifier DECRYPTED_POP = ID_CMC.branch("10");
  public static final ASN1ObjectIdentifier REVOKE_REQUEST = ID_CMC.branch("17");
  public static final ASN1ObjectIdentifier REG_INFO = ID_CMC.branch("18");
  public static final ASN1ObjectIdentifier RESPONSE_INFO = ID_CMC.branch("19");
  public static final ASN1ObjectIdentifier POP_LINK_RANDOM = ID_CMC.branch("22");
  public static final ASN1ObjectIdentifier STATUS_INFO_V2 = ID_CMC.branch("25");
  /**
   * id-cmc-popLinkWitnessV2 = id-cmc 33 as RFC 5272 section 6.3.1.1 and RFC 6402 assign it (an ASN.1 module
   * misprint gives 34, which is identityProofV2); Dogtag uses 33 in both CRMF controls and PKCS#10 attributes.
   */
  public static final ASN1ObjectIdentifier POP_LINK_WITNESS_V2 = ID_CMC.branch("33");
  /** id-cmc-identityProofV2, RFC 5272 section 6.2.1. */
  public static final ASN1ObjectIdentifier IDENTITY_PROOF_V2 = ID_CMC.branch("34");

  private CmcObjectIds() {
  }
}
