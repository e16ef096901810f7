package org.p11ca.ca.service;

import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * The CA as the transport sees it: CMC bytes in, a reply out. Implementations decide everything (identity, proof of
 * possession, profile, issuance, audit); a transport only moves bytes and adds what it knows of the caller.
 */
public interface CmcAuthority {

  /** Never throws for bad input: unreadable bytes give {@link CmcReply.Unreadable}, any refusal a CMC failure. */
  CmcReply handle(CmcSubmission submission);

  /** The CA certificate first, then its issuers (empty for a root CA), for the chain endpoint. */
  List<X509CertificateHolder> caChain();
}
