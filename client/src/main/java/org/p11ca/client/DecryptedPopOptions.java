package org.p11ca.client;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.Token;
import picocli.CommandLine.Option;

/**
 * request's second round of an EncryptedPOP challenge (RFC 5272 section 6.7): the round-1 response, and the
 * requested key that decrypts the challenge, in a PKCS#12 file or on the token of {@code --token} (the token
 * options are shared with the signer's: one process logs into a token once). Dogtag's CMCRequest names that key by
 * {@code request.privKeyId} in its NSS database; a PKCS#12 file or a token label is the portable equivalent.
 */
final class DecryptedPopOptions {

  @Option(names = "--decrypted-pop", description = "answer the EncryptedPOP challenge in --response: decrypt it with"
      + " the requested key, check the witness, and write the round-2 request with a decryptedPOP control")
  boolean enabled;

  @Option(names = "--response", paramLabel = "<file>", description = "with --decrypted-pop: the round-1 CMC response"
      + " (DER or base64) carrying encryptedPOP and responseInfo")
  Path response;

  @Option(names = "--oaep", description = "with --decrypted-pop: the CA sent the session key with RSA-OAEP"
      + " SHA-256/MGF1-SHA-256 although the response says rsaEncryption (Dogtag's keyWrap.useOAEP; its CMCRequest's"
      + " oaep=true). A response that says id-RSAES-OAEP needs no flag.")
  boolean oaep;

  @Option(names = "--key-p12", paramLabel = "<file>", description = "with --decrypted-pop: PKCS#12 file with the"
      + " requested key (as crmf --new-key wrote it)")
  Path p12;

  @Option(names = "--key-p12-alias", paramLabel = "<name>", description = "which key in --key-p12 (default: its"
      + " only key; --p12-alias when the signer is not in a PKCS#12 file)")
  String alias;

  @Option(names = "--key-password-file", paramLabel = "<file>", description = "file whose first line is the"
      + " --key-p12 password (default: --password-file/--password-env, else a prompt)")
  Path passwordFile;

  @Option(names = "--key-password-env", paramLabel = "<VAR>", description = "environment variable holding the"
      + " --key-p12 password")
  String passwordVariable;

  @Option(names = "--key-label", paramLabel = "<label>", description = "with --decrypted-pop: label of the requested"
      + " key on --token; it decrypts there")
  String label;

  /** Whether an option that only means something with --decrypted-pop was given. */
  boolean anyGiven() {
    return response != null || oaep || p12 != null || alias != null || passwordFile != null
        || passwordVariable != null || label != null;
  }

  /** Checked before any file is read. */
  void requireKey() {
    if ((p12 == null) == (label == null)) {
      throw new IllegalArgumentException("--decrypted-pop needs the requested key that decrypts the challenge:"
          + " --key-p12 FILE, or --token LABEL --key-label LABEL (Dogtag's request.privKeyId names a key in an NSS"
          + " database, which p11ca-cmc does not read)");
    }
  }

  /** Opens the requested key; the caller closes it (and with it a token) before the signer opens its own. */
  RequestKey openKey(CmcTool tool, SignerOptions signer) {
    requireKey();
    return label != null ? onToken(tool, signer.token) : inPkcs12(tool, signer);
  }

  private RequestKey onToken(CmcTool tool, TokenOptions token) {
    if (!token.requested()) {
      throw new IllegalArgumentException("--key-label names a key on a token: give --token too");
    }
    Token opened = token.open(tool, Backend.IAIK);
    try {
      KeyHandle key = opened.findKey(ObjectClass.PRIVATE_KEY, KeySelector.label(label)).orElseThrow(
          () -> new CmcToolException("token '" + opened.info().label() + "' has no private key labelled '" + label
              + "'"));
      return new RequestKey.OnToken(opened, key, opened.publicKey(key));
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  private RequestKey inPkcs12(CmcTool tool, SignerOptions signer) {
    if (passwordFile != null && passwordVariable != null) {
      throw new IllegalArgumentException("give --key-password-file or --key-password-env, not both");
    }
    PasswordOptions password = signer.password;
    if (passwordFile != null || passwordVariable != null) {
      password = new PasswordOptions();
      password.file = passwordFile;
      password.variable = passwordVariable;
    }
    // --p12-alias names the signer's key when the signer is in a PKCS#12 file; otherwise it can only mean this one.
    Optional<String> which = Optional.ofNullable(alias).or(() -> signer.p12 == null
        ? Optional.ofNullable(signer.alias) : Optional.empty());
    Path file = tool.resolve(p12);
    char[] pass = password.existing(tool, file);
    try {
      Pkcs12File.KeyEntry entry = Pkcs12File.readKey(file, pass, which);
      return new RequestKey.Software(entry.key(), entry.certificate().getPublicKey(), file.toString());
    } finally {
      Arrays.fill(pass, '\0');
    }
  }
}
