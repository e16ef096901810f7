package org.p11ca.client;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.KeyHandle;
import org.p11ca.hsm.KeySelector;
import org.p11ca.hsm.ObjectClass;
import org.p11ca.hsm.Token;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The CMC signer of request: key and certificate from a PKCS#12 file, or a key on a token with its certificate
 * from the token (same label) or a file. Dogtag names the signer by NSS nickname; {@code nickname} in a cfg file
 * becomes the PKCS#12 alias or the token label.
 */
final class SignerOptions {

  @Option(names = "--signer-p12", paramLabel = "<file>", description = "PKCS#12 file with the signer's key and"
      + " certificate (and usually its CA chain)")
  Path p12;

  @Option(names = "--p12-alias", paramLabel = "<name>", description = "which key in --signer-p12 (default: its only"
      + " key)")
  String alias;

  @Mixin
  PasswordOptions password;

  @Mixin
  TokenOptions token;

  @Option(names = "--signer-label", paramLabel = "<label>", description = "label of the signer key on --token")
  String label;

  @Option(names = "--signer-cert", paramLabel = "<file>", description = "the signer's certificate (PEM or DER),"
      + " when it is not in --signer-p12 or on the token")
  Path certificate;

  @Option(names = "--chain", paramLabel = "<file>", description = "certificates to send with the signer's (PEM);"
      + " default: the chain in --signer-p12")
  Path chain;

  /** Whether an option naming the signer or its certificates was given (the token options serve other keys too). */
  boolean anyGiven() {
    return p12 != null || label != null || certificate != null || chain != null;
  }

  /** Applies a cfg file's nickname where no option named the signer. */
  void nickname(String nickname) {
    if (token.requested() && p12 == null) {
      label = label != null ? label : nickname;
    } else {
      alias = alias != null ? alias : nickname;
    }
  }

  CmcSigner open(CmcTool tool) {
    return open(tool, false);
  }

  /**
   * @param tokenMayHoldRequestKey whether --token may name the token of another key (request --decrypted-pop's
   *     requested key) while the signer is in --signer-p12
   */
  CmcSigner open(CmcTool tool, boolean tokenMayHoldRequestKey) {
    boolean both = token.requested() && p12 != null;
    if ((!token.requested() && p12 == null) || (both && (label != null || !tokenMayHoldRequestKey))) {
      throw new UsageException("give either --signer-p12 FILE or --token LABEL --signer-label LABEL");
    }
    Optional<List<X509Certificate>> extra = Optional.ofNullable(chain)
        .map(c -> Pem.readCertificates(tool.resolve(c), "certificate chain file"));
    Optional<X509Certificate> givenCert = Optional.ofNullable(certificate)
        .map(c -> Pem.readCertificate(tool.resolve(c), "signer certificate file"));
    return p12 == null ? onToken(tool, givenCert, extra) : inPkcs12(tool, givenCert, extra);
  }

  private CmcSigner inPkcs12(CmcTool tool, Optional<X509Certificate> givenCert,
      Optional<List<X509Certificate>> extra) {
    if (label != null) {
      throw new UsageException("--signer-label names a key on a token: give --token too");
    }
    Path file = tool.resolve(p12);
    char[] pass = password.existing(tool, file);
    Pkcs12File.KeyEntry entry;
    try {
      entry = Pkcs12File.readKey(file, pass, Optional.ofNullable(alias));
    } finally {
      Arrays.fill(pass, '\0');
    }
    X509Certificate cert = givenCert.orElse(entry.certificate());
    RequestKey key = new RequestKey.Software(entry.key(), entry.certificate().getPublicKey(), file.toString());
    return CmcSigner.of(key, cert, extra.orElse(entry.chain()));
  }

  private CmcSigner onToken(CmcTool tool, Optional<X509Certificate> givenCert,
      Optional<List<X509Certificate>> extra) {
    if (label == null) {
      throw new UsageException("--token needs --signer-label: the label of the signer key");
    }
    Token opened = token.open(tool, Backend.IAIK);
    try {
      KeyHandle key = opened.findKey(ObjectClass.PRIVATE_KEY, KeySelector.label(label)).orElseThrow(
          () -> new CmcToolException("token '" + opened.info().label() + "' has no private key labelled '" + label
              + "'"));
      X509Certificate cert = givenCert.or(() -> opened.findCertificate(KeySelector.label(label))).orElseThrow(
          () -> new CmcToolException("token '" + opened.info().label() + "' has no certificate labelled '" + label
              + "': give it with --signer-cert"));
      return CmcSigner.of(new RequestKey.OnToken(opened, key, opened.publicKey(key)), cert, extra.orElse(List.of()));
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }
}
