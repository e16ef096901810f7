package org.p11ca.tokens;

import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.p11ca.hsm.HsmException;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.KeyType;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "import-cert", mixinStandardHelpOptions = true,
    description = "Stores an X.509 certificate on the token beside its private key (same CKA_ID).")
final class ImportCertCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  TokenOptions tokenOptions;

  @Option(names = "--label", paramLabel = "<label>", required = true, description = "label of the certificate")
  String label;

  @Option(names = "--in", paramLabel = "<pem|der>", required = true, description = "the certificate file")
  Path in;

  @Option(names = "--id", paramLabel = "<hex>",
      description = "CKA_ID (default: that of the private key whose public key the certificate holds)")
  ObjectId id;

  @Override
  public Integer call() {
    X509Certificate certificate = Pem.readCertificate(in);
    try (Token token = tokenOptions.open()) {
      ObjectId keyId = id != null ? id : matchingKeyId(token, certificate.getPublicKey()).orElseThrow(
          () -> new HsmException(HsmException.Reason.KEY_NOT_FOUND, "no key on token '" + token.info().label()
              + "' matches the certificate's public key; give --id"));
      token.importCertificate(label, keyId, certificate);
      spec.commandLine().getOut().println("imported certificate '" + label + "' with CKA_ID " + keyId.hex());
    }
    return 0;
  }

  /**
   * The CKA_ID of the private key whose public half is the certificate's, compared on the subjectPublicKey bits so
   * that differently encoded but equal keys match. Keys whose public half the token cannot produce are skipped.
   */
  private static Optional<ObjectId> matchingKeyId(Token token, PublicKey certified) {
    byte[] wanted = publicKeyBits(certified);
    for (TokenObject o : token.listObjects()) {
      if (o.objectClass() != ObjectClass.PRIVATE_KEY || o.id().isEmpty()
          || (o.keyType() != KeyType.RSA && o.keyType() != KeyType.EC)) {
        continue;
      }
      try {
        KeyHandle key = token.requireKey(ObjectClass.PRIVATE_KEY, new KeySelector(o.label(), o.id()));
        PublicKey candidate = token.publicKey(key);
        if (candidate.getAlgorithm().equals(certified.getAlgorithm())
            && Arrays.equals(publicKeyBits(candidate), wanted)) {
          return o.id();
        }
      } catch (HsmException e) {
        // No public half on the token, or two keys share label and CKA_ID: not one we can pair with.
      }
    }
    return Optional.empty();
  }

  private static byte[] publicKeyBits(PublicKey key) {
    return SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
  }
}
