package org.p11ca.client;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyAttributes;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeyPairSpec;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.KeyUsage;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.Token;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The request key of crmf and pkcs10: a new or existing key in a PKCS#12 file, or a new or existing key on a token
 * (then it signs there). CRMFPopClient keeps its keys in an NSS database; a PKCS#12 file is the portable equivalent.
 */
final class KeyOptions {

  @Option(names = "--new-key", paramLabel = "<type>",
      description = "generate a new key pair: " + NewKeyType.CHOICES + " (in --key-p12, or on --token)")
  KeyPairSpec newKey;

  @Option(names = "--key-p12", paramLabel = "<file>",
      description = "PKCS#12 file with the key; with --new-key, the new file to write it to")
  Path p12;

  @Option(names = "--p12-alias", paramLabel = "<name>",
      description = "which key in --key-p12 (default: its only key); the friendly name for a new one")
  String alias;

  @Mixin
  PasswordOptions password;

  @Mixin
  TokenOptions token;

  @Option(names = "--key-label", paramLabel = "<label>", description = "label of the key on --token")
  String keyLabel;

  /** Whether the key is (to be) on a token, where it signs and from which it is never exported. */
  boolean onToken() {
    return token.requested();
  }

  /** Finds or makes the key; a new one is stored before any request is made with it. */
  RequestKey obtain(CmcTool tool, X500Name subject, PrintWriter out) {
    if (token.requested() == (p12 != null)) {
      throw new UsageException("give either --key-p12 FILE or --token LABEL --key-label LABEL");
    }
    return token.requested() ? onToken(tool, out) : inPkcs12(tool, subject, out);
  }

  private RequestKey onToken(CmcTool tool, PrintWriter out) {
    if (keyLabel == null) {
      throw new UsageException("--token needs --key-label: the label of the key to use or create");
    }
    Token opened = token.open(tool, Backend.IAIK);
    try {
      KeySelector selector = KeySelector.label(keyLabel);
      Optional<KeyHandle> existing = opened.findKey(ObjectClass.PRIVATE_KEY, selector);
      KeyHandle key;
      if (newKey != null) {
        if (existing.isPresent()) {
          throw new CmcToolException("token '" + opened.info().label() + "' already has a key labelled '" + keyLabel
              + "': use it without --new-key, or choose another label");
        }
        key = opened.generateKeyPair(newKey, KeyAttributes.persistent(keyLabel, usages(newKey)));
        out.println("Generated " + newKey + " key '" + keyLabel + "' on token '" + opened.info().label() + "'"
            + key.id().map(id -> ", CKA_ID " + id).orElse(""));
      } else {
        key = existing.orElseThrow(() -> new CmcToolException("token '" + opened.info().label()
            + "' has no private key labelled '" + keyLabel + "'"));
      }
      return new RequestKey.OnToken(opened, key, opened.publicKey(key));
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /**
   * A request key may be an encryption key (POP none, answered by EncryptedPOP later): an RSA key decrypts the
   * challenge's session key, an EC key derives the key that unwraps it (ECDH, RFC 5753).
   */
  private static KeyUsage[] usages(KeyPairSpec spec) {
    return spec instanceof KeyPairSpec.Rsa ? new KeyUsage[] {KeyUsage.SIGN, KeyUsage.DECRYPT}
        : new KeyUsage[] {KeyUsage.SIGN, KeyUsage.DERIVE};
  }

  private RequestKey inPkcs12(CmcTool tool, X500Name subject, PrintWriter out) {
    if (keyLabel != null) {
      throw new UsageException("--key-label names a key on a token: give --token too");
    }
    Path file = tool.resolve(p12);
    if (newKey == null) {
      char[] pass = password.existing(tool, file);
      try {
        Pkcs12File.KeyEntry entry = Pkcs12File.readKey(file, pass, Optional.ofNullable(alias));
        return new RequestKey.Software(entry.key(), entry.certificate().getPublicKey(), file.toString());
      } finally {
        Arrays.fill(pass, '\0');
      }
    }
    if (java.nio.file.Files.exists(file)) {
      throw new CmcToolException("PKCS#12 file " + file + " already exists: it is not overwritten, choose another"
          + " name or drop --new-key to use its key");
    }
    KeyPair pair = SoftwareKeys.generate(newKey);
    char[] pass = password.forNewFile(tool, file);
    try {
      String name = alias != null ? alias : "request key";
      Pkcs12File.writeNew(file, name, pair.getPrivate(),
          List.of(HolderCertificate.selfSigned(pair, subject)), pass);
    } finally {
      Arrays.fill(pass, '\0');
    }
    out.println("Generated " + newKey + " key pair, written to " + file);
    return new RequestKey.Software(pair.getPrivate(), pair.getPublic(), file.toString());
  }
}
