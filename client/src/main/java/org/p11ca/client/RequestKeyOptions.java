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
 * request's requested key, for what only that key can do: decrypt an EncryptedPOP challenge (--decrypted-pop), sign
 * the CMC request itself (--self-signed) and re-sign a request that gains a popLinkWitnessV2. In a PKCS#12 file or
 * on the token of {@code --token} (the token options are shared with the signer's: one process logs into a token
 * once). Dogtag's CMCRequest names that key by {@code request.privKeyId} in its NSS database; a PKCS#12 file or a
 * token label is the portable equivalent.
 */
final class RequestKeyOptions {

  @Option(names = "--key-p12", paramLabel = "<file>", description = "PKCS#12 file with the requested key (as crmf"
      + " --new-key wrote it), for --decrypted-pop, --self-signed or --pop-link-witness-v2")
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

  @Option(names = "--key-label", paramLabel = "<label>", description = "label of the requested key on --token; it"
      + " decrypts and signs there")
  String label;

  boolean anyGiven() {
    return p12 != null || alias != null || passwordFile != null || passwordVariable != null || label != null;
  }

  boolean onToken() {
    return label != null;
  }

  /**
   * Checked before any file is read.
   *
   * @param need what the key is for, e.g. "--self-signed signs with the requested key"
   */
  void require(String need) {
    if ((p12 == null) == (label == null)) {
      throw new UsageException(need + ": give --key-p12 FILE, or --token LABEL --key-label LABEL"
          + " (Dogtag's request.privKeyId names a key in an NSS database, which p11ca-cmc does not read)");
    }
  }

  /** Opens the requested key; the caller closes it (and with it a token) before the signer opens its own. */
  RequestKey open(CmcTool tool, SignerOptions signer) {
    return label != null ? onToken(tool, signer.token) : inPkcs12(tool, signer);
  }

  private RequestKey onToken(CmcTool tool, TokenOptions token) {
    if (!token.requested()) {
      throw new UsageException("--key-label names a key on a token: give --token too");
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
      throw new UsageException("give --key-password-file or --key-password-env, not both");
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
