package org.p11ca.tokens;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.ObjectId;
import org.p11ca.hsm.Token;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate-key", mixinStandardHelpOptions = true,
    description = "Generates a persistent, sensitive, non-extractable key for one purpose.")
final class GenerateKeyCommand implements Callable<Integer> {

  /** As long as a SHA-1 key identifier, the CKA_ID key pairs get. */
  static final int SECRET_KEY_ID_LENGTH = 20;

  @Spec
  CommandSpec spec;

  @Mixin
  TokenOptions tokenOptions;

  @Option(names = "--label", paramLabel = "<label>", required = true, description = "CKA_LABEL of the new key")
  String label;

  @Option(names = "--id", paramLabel = "<hex>",
      description = "CKA_ID (default: the key identifier, SHA-1 of the public key; 20 random bytes for AES)")
  ObjectId id;

  @Option(names = "--type", paramLabel = "<type>", required = true,
      description = "rsa2048, rsa3072, rsa4096, ec-p256, ec-p384, aes128 or aes256")
  GeneratedKeyType type;

  @Option(names = "--purpose", paramLabel = "<purpose>", required = true,
      description = "ca, kra-transport, kra-storage, pop-protection, shared-secret-protection, audit, tls, ocsp"
          + " or sign")
  KeyPurpose purpose;

  @Override
  public Integer call() {
    purpose.requireFits(type);
    try (Token token = tokenOptions.open()) {
      KeyHandle key;
      if (type.isAes()) {
        ObjectId secretKeyId = id != null ? id : ObjectId.random(SECRET_KEY_ID_LENGTH);
        key = token.generateAesKey(type.aesBits(), attributes(Optional.of(secretKeyId)));
      } else {
        // Without --id the hsm layer sets CKA_ID to the key identifier, so the certificate's SKI will match it.
        key = token.generateKeyPair(type.pairSpec().orElseThrow(), attributes(Optional.ofNullable(id)));
      }
      spec.commandLine().getOut().println("generated " + type + " key '" + label + "' with CKA_ID "
          + key.id().map(ObjectId::hex).orElse("(none)"));
    }
    return 0;
  }

  /** Persistent, sensitive and never extractable: the hsm layer's defaults, and no reason here to loosen them. */
  private KeyAttributes attributes(Optional<ObjectId> keyId) {
    return new KeyAttributes(Optional.of(label), keyId, purpose.usages(), true, false);
  }
}
