package org.p11ca.ca.service;

import java.util.Locale;
import java.util.Optional;

/**
 * The Dogtag endpoint a CMC request arrived on. It decides who may sign the request, the profile used when the
 * request names none, and the kind of answer (RFC 5272 section 4: a Simple PKI Response only for a successful
 * Simple PKI Request, a Full PKI Response otherwise).
 */
public enum CmcEndpoint {
  /** {@code /ca/ee/ca/profileSubmitCMCFull}: an agent (CA_AGENT role) signs; Dogtag's CMCAuth. */
  FULL("profileSubmitCMCFull", "caFullCMCUserCert", SignerRequirement.AGENT, false),
  /** {@code /ca/ee/ca/profileSubmitUserSignedCMCFull}: the user signs with a certificate this CA issued. */
  USER_SIGNED_FULL("profileSubmitUserSignedCMCFull", "caFullCMCUserSignedCert", SignerRequirement.USER, false),
  /** {@code /ca/ee/ca/profileSubmitSelfSignedCMCFull}: signed with the requested key itself (issue [4]). */
  SELF_SIGNED_FULL("profileSubmitSelfSignedCMCFull", "caFullCMCSelfSignedCert", SignerRequirement.SELF, false),
  /**
   * {@code /ca/ee/ca/profileSubmitCMCSimple}: a bare PKCS#10 (Simple PKI Request). It carries no CMC signature, so
   * the TLS client certificate must be an agent's.
   */
  SIMPLE("profileSubmitCMCSimple", "caFullCMCUserCert", SignerRequirement.AGENT_TLS, true);

  /** Who must stand behind a request on this endpoint. */
  public enum SignerRequirement { AGENT, USER, SELF, AGENT_TLS }

  private final String servletName;
  private final String defaultProfileId;
  private final SignerRequirement signerRequirement;
  private final boolean simple;

  CmcEndpoint(String servletName, String defaultProfileId, SignerRequirement signerRequirement, boolean simple) {
    this.servletName = servletName;
    this.defaultProfileId = defaultProfileId;
    this.signerRequirement = signerRequirement;
    this.simple = simple;
  }

  /** The last path segment, e.g. {@code profileSubmitCMCFull}. */
  public String servletName() {
    return servletName;
  }

  /** The request path the server maps, e.g. {@code /ca/ee/ca/profileSubmitCMCFull}. */
  public String path() {
    return "/ca/ee/ca/" + servletName;
  }

  public String defaultProfileId() {
    return defaultProfileId;
  }

  public SignerRequirement signerRequirement() {
    return signerRequirement;
  }

  /** True when the body is a Simple PKI Request (a PKCS#10) and success is answered certs-only. */
  public boolean simple() {
    return simple;
  }

  public static Optional<CmcEndpoint> ofServletName(String name) {
    for (CmcEndpoint e : values()) {
      if (e.servletName.equalsIgnoreCase(name.trim())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
