package org.p11ca.client;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.Token;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The TLS client certificate of submit: from a PKCS#12 file, or a key and certificate on a token through the JDK's
 * SunPKCS11 KeyStore (Token.jcaKeyStore, backend sun only), so the handshake signature is made on the token.
 */
final class ClientIdentityOptions {

  @Option(names = "--client-p12", paramLabel = "<file>", description = "PKCS#12 file with the TLS client key and"
      + " certificate")
  Path p12;

  @Option(names = "--p12-alias", paramLabel = "<name>", description = "which key in --client-p12 (default: its only"
      + " key)")
  String alias;

  @Mixin
  PasswordOptions password;

  @Mixin
  TokenOptions token;

  @Option(names = "--client-label", paramLabel = "<label>", description = "label of the TLS client key and"
      + " certificate on --token (backend sun)")
  String label;

  /** A key manager and what must stay open while it is used. */
  record ClientIdentity(FixedKeyManager keyManager, String subject, Optional<Token> token) implements AutoCloseable {
    @Override
    public void close() {
      token.ifPresent(Token::close);
    }
  }

  boolean given() {
    return p12 != null || token.requested();
  }

  void nickname(String nickname) {
    if (token.requested()) {
      label = label != null ? label : nickname;
    } else {
      alias = alias != null ? alias : nickname;
    }
  }

  ClientIdentity open(CmcTool tool) {
    if (p12 != null && token.requested()) {
      throw new UsageException("give either --client-p12 FILE or --token LABEL --client-label LABEL");
    }
    return token.requested() ? onToken(tool) : inPkcs12(tool);
  }

  private ClientIdentity inPkcs12(CmcTool tool) {
    if (label != null) {
      throw new UsageException("--client-label names a key on a token: give --token too");
    }
    Path file = tool.resolve(p12);
    char[] pass = password.existing(tool, file);
    try {
      Pkcs12File.KeyEntry entry = Pkcs12File.readKey(file, pass, Optional.ofNullable(alias));
      return new ClientIdentity(new FixedKeyManager(entry.alias(), entry.key(),
          entry.chain().toArray(X509Certificate[]::new)), entry.certificate().getSubjectX500Principal().getName(),
          Optional.empty());
    } finally {
      Arrays.fill(pass, '\0');
    }
  }

  private ClientIdentity onToken(CmcTool tool) {
    if (label == null) {
      throw new UsageException("--token needs --client-label: the label of the TLS client key");
    }
    Token opened = token.open(tool, Backend.SUN);
    try {
      KeyStore store = opened.jcaKeyStore();
      PrivateKey key = (PrivateKey) store.getKey(label, null);
      Certificate[] chain = store.getCertificateChain(label);
      if (key == null || chain == null || chain.length == 0) {
        throw new CmcToolException("token '" + opened.info().label() + "' has no key with a certificate labelled '"
            + label + "' (both must share the label and CKA_ID)");
      }
      install(store.getProvider());
      X509Certificate[] certs = Arrays.stream(chain).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
      return new ClientIdentity(new FixedKeyManager(label, key, certs), certs[0].getSubjectX500Principal().getName(),
          Optional.of(opened));
    } catch (GeneralSecurityException e) {
      opened.close();
      throw new CmcToolException("cannot read key '" + label + "' from the token's key store: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /**
   * JSSE finds a Signature for the handshake among the installed providers only, so the token's SunPKCS11
   * provider must be one of them, or the handshake fails with "no installed provider supports this key".
   */
  private static synchronized void install(Provider provider) {
    Provider installed = Security.getProvider(provider.getName());
    if (installed == provider) {
      return;
    }
    if (installed != null) {
      Security.removeProvider(provider.getName());
    }
    Security.addProvider(provider);
  }
}
