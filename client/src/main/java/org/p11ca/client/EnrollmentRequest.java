package org.p11ca.client;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.crmf.CertReqMsg;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.p11ca.ca.cmc.TaggedRequest;

/** The certificate request a CMC request wraps: CRMF (RFC 4211) or PKCS#10 (RFC 2986). */
sealed interface EnrollmentRequest {

  /** The key the request asks a certificate for. */
  SubjectPublicKeyInfo publicKeyInfo();

  /**
   * The SubjectKeyIdentifier the request asks for, read as the CA reads it (ca-core's TaggedRequest): the standard
   * form or the raw 20 octets Dogtag's CRMFPopClient -y writes.
   */
  Optional<byte[]> requestedSubjectKeyId();

  /**
   * Whether {@code key} is the request's key: same algorithm and same subjectPublicKey bits. Compared that way, not
   * as whole SubjectPublicKeyInfo encodings, which differ harmlessly (an RSA AlgorithmIdentifier with or without NULL).
   */
  default boolean hasKey(RequestKey key) {
    SubjectPublicKeyInfo mine = publicKeyInfo();
    SubjectPublicKeyInfo theirs = key.publicKeyInfo();
    return mine.getAlgorithm().getAlgorithm().equals(theirs.getAlgorithm().getAlgorithm())
        && Arrays.equals(mine.getPublicKeyData().getBytes(), theirs.getPublicKeyData().getBytes());
  }

  enum Format {
    CRMF, PKCS10;

    static Format parse(String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "crmf" -> CRMF;
        case "pkcs10", "p10" -> PKCS10;
        default -> throw new UsageException("unknown request format '" + text + "': use crmf or pkcs10");
      };
    }
  }

  record Crmf(CertReqMsg msg) implements EnrollmentRequest {
    public Crmf {
      Objects.requireNonNull(msg);
    }

    @Override
    public SubjectPublicKeyInfo publicKeyInfo() {
      return msg.getCertReq().getCertTemplate().getPublicKey();
    }

    @Override
    public Optional<byte[]> requestedSubjectKeyId() {
      return new TaggedRequest.Crmf(msg.getCertReq().getCertReqId().intValueExact(), msg).templateSubjectKeyId();
    }
  }

  record Pkcs10(PKCS10CertificationRequest csr) implements EnrollmentRequest {
    public Pkcs10 {
      Objects.requireNonNull(csr);
    }

    @Override
    public SubjectPublicKeyInfo publicKeyInfo() {
      return csr.getSubjectPublicKeyInfo();
    }

    @Override
    public Optional<byte[]> requestedSubjectKeyId() {
      return new TaggedRequest.Pkcs10(1, csr).requestedSubjectKeyId();
    }
  }

  /**
   * Decodes DER as the given format, or guesses it: a CertificationRequest is SEQUENCE {info, algorithm, BIT
   * STRING}, which no CertReqMsg (SEQUENCE {certReq, [n] pop, regInfo SEQUENCE}) can be.
   */
  static EnrollmentRequest decode(byte[] der, Optional<Format> format, String source) {
    Format chosen = format.orElseGet(() -> looksLikePkcs10(der) ? Format.PKCS10 : Format.CRMF);
    try {
      if (chosen == Format.PKCS10) {
        return new Pkcs10(new PKCS10CertificationRequest(der));
      }
      CertReqMsg msg = singleCertReqMsg(ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der)));
      if (msg.getCertReq().getCertTemplate().getPublicKey() == null) {
        throw new IllegalArgumentException("its CertTemplate has no publicKey");
      }
      // The certReqId becomes the bodyPartID (RFC 5272 section 3.2.1.3.2), which the CMC models hold as an int.
      java.math.BigInteger id = msg.getCertReq().getCertReqId().getValue();
      if (id.signum() < 0 || id.bitLength() > 31) {
        throw new IllegalArgumentException("its certReqId " + id + " is outside 0.." + Integer.MAX_VALUE
            + ", and it becomes the bodyPartID");
      }
      return new Crmf(msg);
    } catch (java.io.IOException | RuntimeException e) {
      throw new CmcToolException(source + " is not a " + (chosen == Format.PKCS10 ? "PKCS#10" : "CRMF CertReqMsg")
          + " request: " + ErrorReporter.oneLine(e.getMessage()));
    }
  }

  /**
   * CRMFPopClient writes CertReqMessages (SEQUENCE OF CertReqMsg, RFC 4211 section 3) holding one message; a bare
   * CertReqMsg is accepted too. They differ in the first element's first element: a CertRequest in a CertReqMsg
   * starts with its certReqId INTEGER, a CertReqMsg in CertReqMessages with its CertRequest SEQUENCE.
   */
  private static CertReqMsg singleCertReqMsg(ASN1Sequence outer) {
    ASN1Sequence first = ASN1Sequence.getInstance(outer.getObjectAt(0));
    if (!(first.getObjectAt(0) instanceof ASN1Sequence)) {
      return CertReqMsg.getInstance(outer);
    }
    if (outer.size() != 1) {
      throw new IllegalArgumentException("it holds " + outer.size() + " CertReqMsgs; p11ca-cmc wraps exactly one");
    }
    return CertReqMsg.getInstance(first);
  }

  private static boolean looksLikePkcs10(byte[] der) {
    try {
      ASN1Sequence outer = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
      return outer.size() == 3 && outer.getObjectAt(2) instanceof ASN1BitString;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }
}
