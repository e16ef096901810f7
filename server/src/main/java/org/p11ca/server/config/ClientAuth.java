package org.p11ca.server.config;

import java.util.Locale;
import java.util.Optional;

/** Whether an endpoint wants a TLS client certificate. */
public enum ClientAuth {
  /** Not asked for; a certificate the client sends anyway is still passed on to the CA. */
  NONE,
  /** Asked for and passed on when given (the CA binds it to the CMC signer); its absence is no error here. */
  OPTIONAL,
  /** The request is refused with 403 when the connection carries no client certificate. */
  REQUIRED;

  static Optional<ClientAuth> parse(String text) {
    for (ClientAuth c : values()) {
      if (c.name().equalsIgnoreCase(text.trim())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
