package org.p11ca.ca.proof;

import org.bouncycastle.asn1.crmf.ProofOfPossession;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.crmf.CRMFException;
import org.bouncycastle.cert.crmf.CertificateRequestMessage;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.p11ca.ca.cmc.TaggedRequest;
import org.p11ca.ca.crypto.SignatureVerifiers;
import org.p11ca.ca.error.FailInfo;

/**
 * Proof that the requester holds the private key of the key to be certified, by signature: the CRMF POPOSigningKey
 * (RFC 4211 section 4.1, with or without poposkInput) or the PKCS#10 self-signature (RFC 2986 section 3). Requests
 * without a signature POP are answered popRequired; the encrypted-POP round trip (RFC 5272 section 6.7) is issue [3].
 */
public final class PossessionCheck {

  private PossessionCheck() {
  }

  /**
   * @param raVerifiedAccepted whether the signer is an agent (an RA in RFC 4211's terms), whose raVerified POP
   *     vouches that it checked possession itself (RFC 4211 section 4)
   */
  public static Verdict check(TaggedRequest request, boolean raVerifiedAccepted) {
    if (request instanceof TaggedRequest.Crmf crmf) {
      return crmf(crmf, raVerifiedAccepted);
    }
    if (request instanceof TaggedRequest.Pkcs10 p10) {
      return pkcs10(p10);
    }
    return Verdict.refuse(FailInfo.BAD_REQUEST, "request " + request.bodyPartId()
        + " is an OtherReqMsg, which this CA does not process");
  }

  private static Verdict crmf(TaggedRequest.Crmf crmf, boolean raVerifiedAccepted) {
    CertificateRequestMessage msg = new CertificateRequestMessage(crmf.msg());
    String which = "CRMF request " + crmf.certReqId();
    if (!msg.hasProofOfPossession()) {
      return Verdict.refuse(FailInfo.POP_REQUIRED, which + " has no proof of possession; this profile needs a"
          + " signature POP (RFC 4211 section 4.1)");
    }
    switch (msg.getProofOfPossessionType()) {
      case ProofOfPossession.TYPE_RA_VERIFIED -> {
        return raVerifiedAccepted ? Verdict.pass() : Verdict.refuse(FailInfo.POP_FAILED, which
            + " claims raVerified POP, which only an agent's signature can vouch for (RFC 4211 section 4)");
      }
      case ProofOfPossession.TYPE_SIGNING_KEY -> {
        SubjectPublicKeyInfo key = crmf.msg().getCertReq().getCertTemplate().getPublicKey();
        if (key == null) {
          return Verdict.refuse(FailInfo.BAD_REQUEST, which + " has no public key in its CertTemplate");
        }
        try {
          if (msg.isValidSigningKeyPOP(verifier(key))) {
            return Verdict.pass();
          }
          return Verdict.refuse(FailInfo.POP_FAILED, which + ": the POP signature does not verify with the"
              + " requested public key");
        } catch (CRMFException | IllegalStateException e) {
          // BC throws IllegalStateException for a POPOSigningKeyInput with a publicKeyMAC, which needs a shared
          // secret this CA did not hand out.
          return Verdict.refuse(FailInfo.POP_FAILED, which + ": the POP signature cannot be checked ("
              + e.getMessage() + ")");
        } catch (OperatorCreationException e) {
          return Verdict.refuse(FailInfo.BAD_ALG, which + ": unsupported POP signature or key algorithm ("
              + e.getMessage() + ")");
        }
      }
      default -> {
        return Verdict.refuse(FailInfo.POP_REQUIRED, which + " offers key encipherment or key agreement POP;"
            + " this profile needs a signature POP");
      }
    }
  }

  private static Verdict pkcs10(TaggedRequest.Pkcs10 p10) {
    String which = "PKCS#10 request " + p10.bodyPartId();
    try {
      if (p10.csr().isSignatureValid(verifier(p10.csr().getSubjectPublicKeyInfo()))) {
        return Verdict.pass();
      }
      return Verdict.refuse(FailInfo.POP_FAILED, which + ": the CSR signature does not verify with its own public"
          + " key (RFC 2986 section 3)");
    } catch (PKCSException e) {
      return Verdict.refuse(FailInfo.POP_FAILED, which + ": the CSR signature cannot be checked ("
          + e.getMessage() + ")");
    } catch (OperatorCreationException e) {
      return Verdict.refuse(FailInfo.BAD_ALG, which + ": unsupported CSR signature or key algorithm ("
          + e.getMessage() + ")");
    }
  }

  private static ContentVerifierProvider verifier(SubjectPublicKeyInfo key) throws OperatorCreationException {
    return SignatureVerifiers.of(key);
  }
}
