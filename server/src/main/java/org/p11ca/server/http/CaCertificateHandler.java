package org.p11ca.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.p11ca.ca.cmc.SimplePkiResponseEncoder;
import org.p11ca.ca.service.CmcAuthority;
import org.p11ca.ca.service.CmcReply;

/**
 * {@code GET} the CA's own certificates, which are public: no client certificate asked for.
 *
 * <ul>
 *   <li>{@link #CHAIN_PATH}: the CA certificate and its issuers as a certs-only PKCS#7 (RFC 5272 section 4.1's
 *       Simple PKI Response form, DER), as Dogtag's {@code getCertChain} returns it;
 *   <li>{@link #PEM_PATH}: the CA certificate alone as PEM ({@code application/x-pem-file}), for openssl and curl.
 * </ul>
 */
public final class CaCertificateHandler extends Handler.Abstract {

  public static final String CHAIN_PATH = "/ca/ee/ca/getCertChain";
  public static final String PEM_PATH = "/ca/ee/ca/getCACert";
  public static final String PEM_MEDIA_TYPE = "application/x-pem-file";

  /** Which form this instance serves. */
  public enum Form { CERTS_ONLY_PKCS7, PEM }

  private final CmcAuthority authority;
  private final Form form;

  public CaCertificateHandler(CmcAuthority authority, Form form) {
    this.authority = authority;
    this.form = form;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      HttpAnswer.reason(request, response, callback, 405, request.getMethod() + " is not allowed here: use GET");
      return true;
    }
    List<X509CertificateHolder> chain = authority.caChain();
    switch (form) {
      case CERTS_ONLY_PKCS7 -> HttpAnswer.send(request, response, callback, 200, CmcReply.CERTS_ONLY_MEDIA_TYPE,
          SimplePkiResponseEncoder.encode(chain));
      case PEM -> HttpAnswer.send(request, response, callback, 200, PEM_MEDIA_TYPE, pem(chain.get(0)));
    }
    return true;
  }

  static byte[] pem(X509CertificateHolder certificate) {
    try {
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(certificate.getEncoded());
      return ("-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n")
          .getBytes(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the CA certificate", e);
    }
  }
}
