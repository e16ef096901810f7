package org.p11ca.server;

import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.Set;
import org.p11ca.hsm.Backend;
import org.p11ca.hsm.SlotSelector;
import org.p11ca.hsm.Token;
import org.p11ca.hsm.TokenConfig;
import org.p11ca.hsm.pkcs11.Pkcs11Library;
import org.p11ca.server.config.TokenSettings;

/**
 * The JCA KeyStore over the token, for Jetty's TLS: the TLS private key stays on the token and signs handshakes
 * there through the SunPKCS11 provider.
 *
 * <p>Only the {@code sun} backend yields one (the iaik wrapper is not a JCA provider). When the CA's keys are on the
 * {@code iaik} backend, a second handle on the same token is opened through {@code sun}, with a one-session pool,
 * just for this. That is sound in one process: both wrappers load the same native library, whose second
 * C_Initialize answers CKR_CRYPTOKI_ALREADY_INITIALIZED (both backends accept it), and PKCS#11 login is per
 * application and token, so the second C_Login answers CKR_USER_ALREADY_LOGGED_IN (Pkcs11Token and the SunPKCS11
 * provider both accept it). Both handles keep sessions open for the life of the server, so closing one never logs
 * the other out; the hsm layer re-logs in if a token does log out anyway.
 *
 * <p>The provider is also registered (last, so it is never preferred for anything else): the JSSE looks up its
 * Signature for the handshake by algorithm name only, and JCA's delayed provider selection then finds the one
 * provider that accepts a key living on the token.
 */
final class TlsKeyStoreSource {

  private TlsKeyStoreSource() {
  }

  /** The token to take the KeyStore from: {@code caToken} itself on the sun backend, else a second handle. */
  static Token jcaCapable(Token caToken, TokenSettings settings, OpenedResources resources) {
    if (caToken.backend() == Backend.SUN) {
      return caToken;
    }
    TokenConfig config = new TokenConfig(settings.library(), SlotSelector.tokenLabel(settings.label()),
        settings.pin(), Backend.SUN, 1, Duration.ofSeconds(10), Set.of());
    return resources.add("TLS key store handle on token '" + settings.label() + "'",
        Pkcs11Library.load(settings.library(), Backend.SUN).openToken(config));
  }

  /** Loads the KeyStore; call it after the TLS certificate is on the token, since the store lists objects once. */
  static KeyStore load(Token jcaToken) {
    KeyStore keyStore = jcaToken.jcaKeyStore();
    Provider provider = keyStore.getProvider();
    if (Security.getProvider(provider.getName()) == null) {
      Security.addProvider(provider);
    }
    return keyStore;
  }
}
