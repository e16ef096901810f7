package org.p11ca.bench.cmc;

import java.security.PublicKey;
import java.util.Optional;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.p11ca.ca.cmc.CmcResponse;
import org.p11ca.ca.cmc.CmcResponseParser;
import org.p11ca.ca.cmc.CmcStatus;
import org.p11ca.ca.cmc.CmcStatusInfo;

/**
 * Whether a response counts as an issuance: it parses as a CMC response, every status is SUCCESS, it carries a
 * certificate for the signer's subject that is not the CA's and certifies the key the request asked for, and both
 * token signatures verify with the CA key (the response's SignedData and the certificate). The load generator checks
 * every answer this way once the clock of a round has stopped, so the checking does not spend the cores being
 * measured.
 */
final class IssuedResponse {

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private final X509CertificateHolder caCertificate;
  private final PublicKey caPublicKey;

  IssuedResponse(X509CertificateHolder caCertificate) {
    this.caCertificate = caCertificate;
    this.caPublicKey = BenchAuthority.jca(caCertificate).getPublicKey();
  }

  /** Empty when it counts; else why not. */
  Optional<String> verifiedFully(byte[] der, PreSignedRequests.Request request) {
    BenchAuthority.Identity signer = request.signer();
    Optional<Issued> issued = issued(der, signer);
    if (issued.isEmpty()) {
      return Optional.of(reason(der, signer));
    }
    if (!issued.get().certificate().getSubjectPublicKeyInfo().equals(request.requestedKey())) {
      return Optional.of("the issued certificate does not certify the key the request asked for");
    }
    if (!issued.get().response().signature().orElseThrow().verify(caPublicKey).isValid()) {
      return Optional.of("the response's signature does not verify with the CA key");
    }
    try {
      if (!issued.get().certificate().isSignatureValid(
          new JcaContentVerifierProviderBuilder().setProvider(BC).build(caCertificate))) {
        return Optional.of("the issued certificate's signature does not verify with the CA key");
      }
    } catch (CertException | OperatorCreationException | java.security.cert.CertificateException e) {
      return Optional.of("cannot check the issued certificate's signature: " + e.getMessage());
    }
    return Optional.empty();
  }

  private record Issued(CmcResponse response, X509CertificateHolder certificate) {
  }

  private Optional<Issued> issued(byte[] der, BenchAuthority.Identity signer) {
    CmcResponse response;
    try {
      response = CmcResponseParser.parse(der);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (response.statuses().isEmpty()
        || !response.statuses().stream().allMatch(s -> s.status() == CmcStatus.SUCCESS)) {
      return Optional.empty();
    }
    return response.certificates().stream()
        .filter(c -> !c.equals(caCertificate) && c.getSubject().equals(signer.certificate().getSubject()))
        .findFirst().map(c -> new Issued(response, c));
  }

  private String reason(byte[] der, BenchAuthority.Identity signer) {
    CmcResponse response;
    try {
      response = CmcResponseParser.parse(der);
    } catch (RuntimeException e) {
      return "not a CMC response: " + e.getMessage();
    }
    for (CmcStatusInfo s : response.statuses()) {
      if (s.status() != CmcStatus.SUCCESS) {
        return "status " + s.status() + " " + s.failInfo().map(Object::toString).orElse("") + ": "
            + s.statusString().orElse("");
      }
    }
    return "SUCCESS without a certificate for " + signer.certificate().getSubject();
  }
}
