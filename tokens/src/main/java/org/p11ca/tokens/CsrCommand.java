package org.p11ca.tokens;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.p11ca.hsm.SignatureAlgorithm;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.bc.TokenContentSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "csr", mixinStandardHelpOptions = true,
    description = "Writes a PKCS#10 certificate request for a key on the token, signed there.")
final class CsrCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TokenOptions tokenOptions;

  @Option(names = "--key", paramLabel = "<label>", required = true, description = "label of the private key")
  String keyLabel;

  @Option(names = "--subject", paramLabel = "<DN>", required = true, description = "requested subject")
  X500Name subject;

  @Option(names = "--signature-algorithm", paramLabel = "<name>",
      description = "e.g. SHA256withRSA, SHA384withECDSA (default: by key type and size)")
  SignatureAlgorithm algorithm;

  @Option(names = "--out", paramLabel = "<pem>", description = "write the request here (default: stdout)")
  Path out;

  @Override
  public Integer call() {
    try (Token token = tokenOptions.open()) {
      SigningKey signer = SigningKey.find(token, keyLabel, Optional.ofNullable(algorithm));
      PublicKey publicKey = token.publicKey(signer.key());
      PKCS10CertificationRequest request = new PKCS10CertificationRequestBuilder(subject,
          SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()))
          .build(new TokenContentSigner(token, signer.key(), signer.algorithm()));
      SignatureCheck.requireValid(request, publicKey, "the certificate request");
      Pem.write(Pem.encode(request), Optional.ofNullable(out), spec.commandLine().getOut());
      if (out != null) {
        spec.commandLine().getOut().println("certificate request for key '" + keyLabel + "' written to " + out);
      }
    }
    return 0;
  }
}
