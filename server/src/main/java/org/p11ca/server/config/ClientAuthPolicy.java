package org.p11ca.server.config;

import java.util.EnumMap;
import java.util.Map;
import org.p11ca.ca.service.CmcEndpoint;

/** The client-certificate requirement of each CMC endpoint; an endpoint not configured is {@code optional}. */
public record ClientAuthPolicy(Map<CmcEndpoint, ClientAuth> byEndpoint) {

  public static final ClientAuth DEFAULT = ClientAuth.OPTIONAL;

  public ClientAuthPolicy {
    EnumMap<CmcEndpoint, ClientAuth> complete = new EnumMap<>(CmcEndpoint.class);
    for (CmcEndpoint e : CmcEndpoint.values()) {
      complete.put(e, byEndpoint.getOrDefault(e, DEFAULT));
    }
    byEndpoint = Map.copyOf(complete);
  }

  public static ClientAuthPolicy defaults() {
    return new ClientAuthPolicy(Map.of());
  }

  public ClientAuth forEndpoint(CmcEndpoint endpoint) {
    return byEndpoint.get(endpoint);
  }

  /** True when some endpoint asks for a client certificate, so the TLS handshake must request one. */
  public boolean anyWantsCertificate() {
    return byEndpoint.values().stream().anyMatch(c -> c != ClientAuth.NONE);
  }
}
