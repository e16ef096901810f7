package org.p11ca.server.http;

import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.p11ca.ca.ocsp.OcspResponder;
import org.p11ca.ca.service.CmcAuthority;
import org.p11ca.ca.service.CmcEndpoint;
import org.p11ca.server.config.ClientAuthPolicy;

/**
 * The handler tree, outermost first: the failure guard, the body size limit (413), then one exact path per endpoint:
 *
 * <pre>
 * POST /ca/ee/ca/profileSubmitCMCFull              caFullCMCUserCert        (agent-signed)
 * POST /ca/ee/ca/profileSubmitUserSignedCMCFull    caFullCMCUserSignedCert  (user-signed)
 * POST /ca/ee/ca/profileSubmitSelfSignedCMCFull    caFullCMCSelfSignedCert
 * POST /ca/ee/ca/profileSubmitCMCSimple            caFullCMCUserCert        (PKCS#10 in, certs-only out)
 *      each with ?profileId=... to name another profile
 * GET  /ca/ee/ca/getCertChain                      the CA chain, certs-only PKCS#7 (DER)
 * GET  /ca/ee/ca/getCACert                         the CA certificate, PEM
 * GET  /ca/ee/ca/getCRL                           the current full CRL, DER (application/pkix-crl); also at /ca/crl
 *                                                  and at the path of each profile's http crlDistributionPoint
 * POST /ocsp                                      OCSP (RFC 6960 A.1), DER body; GET /ocsp/{url-encoded base64}
 *                                                  ({@link OcspHandler})
 * POST /kra/agent/kra/recovery/request?serial=HEX  key recovery, KRA agents only ({@link KeyRecoveryHandler})
 * POST /kra/agent/kra/recovery/approve?id=N
 * POST /kra/agent/kra/recovery/release?id=N        body: the PKCS#12 password; answers application/x-pkcs12
 * </pre>
 *
 * Anything else is 404.
 */
public final class HttpRoutes {

  private HttpRoutes() {
  }

  /**
   * What the HTTPS routes serve: the CMC endpoints always, the rest when the CA has them.
   *
   * @param kra the key recovery endpoints' dependencies; empty when the CA has no KRA storage key
   * @param transportCertificatePem the KRA transport certificate to publish; empty when the CA has no KRA
   * @param crl the CRL endpoints' source and extra paths; empty when the caller publishes no CRL
   * @param ocsp the OCSP responder to serve at /ocsp; empty when the caller runs none
   */
  public record Services(CmcAuthority authority, ClientAuthPolicy clientAuth, Optional<KeyRecoveryHandler.Kra> kra,
      Optional<String> transportCertificatePem, Optional<CrlHandler.Publication> crl, Optional<OcspResponder> ocsp) {

    public Services {
      Objects.requireNonNull(authority);
      Objects.requireNonNull(clientAuth);
      Objects.requireNonNull(kra);
      Objects.requireNonNull(transportCertificatePem);
      Objects.requireNonNull(crl);
      Objects.requireNonNull(ocsp);
    }

    /** The CMC endpoints and the CA certificate downloads only. */
    public static Services cmc(CmcAuthority authority, ClientAuthPolicy clientAuth) {
      return new Services(authority, clientAuth, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty());
    }

    public Services withKra(Optional<KeyRecoveryHandler.Kra> recovery, Optional<String> transportPem) {
      return new Services(authority, clientAuth, recovery, transportPem, crl, ocsp);
    }

    public Services withStatus(Optional<CrlHandler.Publication> crls, Optional<OcspResponder> responder) {
      return new Services(authority, clientAuth, kra, transportCertificatePem, crls, responder);
    }
  }

  public static Handler build(Services services, long maxBodyBytes) {
    CmcAuthority authority = services.authority();
    ClientAuthPolicy clientAuth = services.clientAuth();
    PathMappingsHandler paths = new PathMappingsHandler();
    for (CmcEndpoint e : CmcEndpoint.values()) {
      paths.addMapping(PathSpec.from(e.path()),
          new CmcEndpointHandler(e, clientAuth.forEndpoint(e), authority, maxBodyBytes));
    }
    paths.addMapping(PathSpec.from(CaCertificateHandler.CHAIN_PATH),
        new CaCertificateHandler(authority, CaCertificateHandler.Form.CERTS_ONLY_PKCS7));
    paths.addMapping(PathSpec.from(CaCertificateHandler.PEM_PATH),
        new CaCertificateHandler(authority, CaCertificateHandler.Form.PEM));
    services.transportCertificatePem().ifPresent(pem -> paths.addMapping(
        PathSpec.from(TransportCertificateHandler.PATH), new TransportCertificateHandler(pem)));
    addStatusRoutes(paths, services.crl(), services.ocsp());
    services.kra().ifPresent(k -> {
      for (KeyRecoveryHandler.Operation o : KeyRecoveryHandler.Operation.values()) {
        paths.addMapping(PathSpec.from(o.path()), new KeyRecoveryHandler(o, k, maxBodyBytes));
      }
    });
    return finish(paths, maxBodyBytes);
  }

  /**
   * Only the certificate status services, for the plain-HTTP listener: relying parties fetch CRLs and OCSP at the
   * http:// URLs in certificates (RFC 5280 4.2.1.13 and 4.2.2.1 expect HTTP, and a TLS check of its own status
   * service would go in a circle). Everything else answers 404 there.
   */
  public static Handler statusOnly(Optional<CrlHandler.Publication> crl, Optional<OcspResponder> ocsp,
      long maxBodyBytes) {
    PathMappingsHandler paths = new PathMappingsHandler();
    addStatusRoutes(paths, crl, ocsp);
    return finish(paths, maxBodyBytes);
  }

  private static void addStatusRoutes(PathMappingsHandler paths, Optional<CrlHandler.Publication> crl,
      Optional<OcspResponder> ocsp) {
    crl.ifPresent(c -> {
      CrlHandler handler = new CrlHandler(c.crls());
      java.util.Set<String> crlPaths = new java.util.TreeSet<>(c.extraPaths());
      crlPaths.add(CrlHandler.DOGTAG_PATH);
      crlPaths.add(CrlHandler.SHORT_PATH);
      crlPaths.forEach(path -> paths.addMapping(PathSpec.from(path), handler));
    });
    ocsp.ifPresent(responder -> {
      OcspHandler handler = new OcspHandler(responder);
      paths.addMapping(PathSpec.from(OcspHandler.PATH), handler);
      paths.addMapping(PathSpec.from(OcspHandler.PATH + "/*"), handler);
    });
  }

  private static Handler finish(PathMappingsHandler paths, long maxBodyBytes) {
    paths.addMapping(PathSpec.from("/"), new NotFoundHandler());
    // The response side is unlimited: our answers are small and built in memory.
    SizeLimitHandler limit = new SizeLimitHandler(maxBodyBytes, -1);
    limit.setHandler(paths);
    return new UnexpectedFailureGuard(limit);
  }
}
