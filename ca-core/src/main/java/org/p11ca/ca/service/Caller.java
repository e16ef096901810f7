package org.p11ca.ca.service;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is on the other end, as the transport saw it: addresses for the audit log and the TLS client certificate, if
 * the client presented one (the CA binds it to the CMC signer).
 */
public record Caller(String clientIp, String serverIp, Optional<X509Certificate> tlsClientCertificate) {

  public Caller {
    Objects.requireNonNull(clientIp);
    Objects.requireNonNull(serverIp);
    Objects.requireNonNull(tlsClientCertificate);
  }

  /** A caller inside the process (operator commands, tests): no network, no TLS certificate. */
  public static Caller local() {
    return new Caller("127.0.0.1", "127.0.0.1", Optional.empty());
  }
}
