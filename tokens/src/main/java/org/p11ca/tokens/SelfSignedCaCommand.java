package org.p11ca.tokens;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "self-signed-ca", mixinStandardHelpOptions = true,
    description = "Issues a self-signed root CA certificate for a key on the token and stores it there.")
final class SelfSignedCaCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TokenOptions tokenOptions;

  @Option(names = "--key", paramLabel = "<label>", required = true, description = "label of the CA's private key")
  String keyLabel;

  @Option(names = "--subject", paramLabel = "<DN>", required = true,
      description = "subject and issuer, e.g. \"CN=p11ca Root CA,O=p11ca\"")
  X500Name subject;

  @Option(names = "--days", paramLabel = "<n>", defaultValue = "3650",
      description = "validity in days (default ${DEFAULT-VALUE})")
  int days;

  @Option(names = "--signature-algorithm", paramLabel = "<name>",
      description = "e.g. SHA256withRSA, SHA256withRSAandMGF1, SHA384withECDSA (default: by key type and size)")
  SignatureAlgorithm algorithm;

  @Option(names = "--out", paramLabel = "<pem>", description = "write the certificate here (default: stdout)")
  Path out;

  @Option(names = "--cert-label", paramLabel = "<label>", description = "label of the certificate (default: --key)")
  String certLabel;

  @Override
  public Integer call() {
    if (days < 1) {
      throw new UsageException("--days must be at least 1, not " + days);
    }
    String label = certLabel != null ? certLabel : keyLabel;
    try (Token token = tokenOptions.open()) {
      SigningKey signer = SigningKey.find(token, keyLabel, Optional.ofNullable(algorithm));
      ObjectId keyId = signer.key().id().orElseThrow(() -> new HsmException(HsmException.Reason.INVALID_INPUT,
          "key '" + keyLabel + "' has no CKA_ID to tie its certificate to"));
      // Checked before signing, so a clash does not cost a signature that is then thrown away.
      if (token.findKey(ObjectClass.CERTIFICATE, KeySelector.label(label)).isPresent()) {
        throw new HsmException(HsmException.Reason.OBJECT_EXISTS, "a certificate labelled '" + label
            + "' is already on token '" + token.info().label() + "' (export-cert writes it out)");
      }
      X509Certificate certificate = new RootCertificateIssuer(token, Clock.systemUTC(), new SecureRandom())
          .issue(signer, subject, Duration.ofDays(days));
      token.importCertificate(label, keyId, certificate);
      Pem.write(Pem.encode(certificate), Optional.ofNullable(out), spec.commandLine().getOut());
      if (out != null) {
        spec.commandLine().getOut().println("self-signed CA certificate '" + label + "' (serial "
            + certificate.getSerialNumber().toString(16) + ") stored on token '" + token.info().label()
            + "' with CKA_ID " + keyId.hex() + " and written to " + out);
      }
    }
    return 0;
  }
}
