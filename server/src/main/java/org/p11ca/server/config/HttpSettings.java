package org.p11ca.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The HTTPS listener.
 *
 * @param host the address to bind; 127.0.0.1 by default, so a fresh CA is reachable only from its own machine until
 *     an operator deliberately exposes it
 * @param port 0 for an ephemeral port (tests); the bound port is printed at start
 * @param idleTimeout how long a connection may sit without reading or writing a byte; it is also the read timeout
 *     of a slow request body
 * @param tlsHostNames the names in the TLS certificate the server issues itself (the first is its CN)
 * @param statusPort a plain-HTTP port on the same host serving only the CRL and OCSP (0: ephemeral); empty: none
 */
public record HttpSettings(String host, int port, long maxBodyBytes, Duration idleTimeout, Duration stopTimeout,
    List<String> tlsHostNames, java.util.OptionalInt statusPort) {

  /** Without a plain-HTTP status listener. */
  public HttpSettings(String host, int port, long maxBodyBytes, Duration idleTimeout, Duration stopTimeout,
      List<String> tlsHostNames) {
    this(host, port, maxBodyBytes, idleTimeout, stopTimeout, tlsHostNames, java.util.OptionalInt.empty());
  }

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8443;
  /** A CMC request with a 4096-bit key and a few certificates is a few KiB; 1 MiB leaves room and stops floods. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  public HttpSettings {
    Objects.requireNonNull(host);
    Objects.requireNonNull(idleTimeout);
    Objects.requireNonNull(stopTimeout);
    tlsHostNames = List.copyOf(tlsHostNames);
    Objects.requireNonNull(statusPort);
  }
}
