package org.p11ca.server.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.p11ca.ca.service.Caller;

/** What the transport knows about the other end of a request: addresses and the TLS client certificate. */
public final class Peers {

  /** Dogtag writes "--" where a field has no value, e.g. SubjectID of a session without a client certificate. */
  public static final String NONE = "--";

  private Peers() {
  }

  public static Caller caller(Request request) {
    var meta = request.getConnectionMetaData();
    return new Caller(ip(meta.getRemoteSocketAddress()), ip(meta.getLocalSocketAddress()),
        clientCertificate(request));
  }

  /** The leaf of the chain the client presented in the TLS handshake, if any. */
  public static Optional<X509Certificate> clientCertificate(Request request) {
    EndPoint.SslSessionData tls = request.getConnectionMetaData().getConnection().getEndPoint().getSslSessionData();
    if (tls == null) {
      return Optional.empty();
    }
    X509Certificate[] chain = tls.peerCertificates();
    return chain == null || chain.length == 0 ? Optional.empty() : Optional.of(chain[0]);
  }

  public static String ip(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return NONE;
  }
}
