/**
 * p11ca-cmc, the subscriber's CMC tools on ca-core's CMC models: {@code crmf} and {@code pkcs10} make a request
 * whose key is in a PKCS#12 file or on a PKCS#11 token, {@code request} wraps it in a signed Full PKI Request,
 * {@code revoke} builds a revocation request, {@code submit} posts either over HTTPS, {@code response} reads the
 * answer. They mirror Dogtag's CRMFPopClient, PKCS10Client, CMCRequest, HttpClient and CMCResponse, and read
 * Dogtag's .cfg files for request, revoke and submit.
 */
package org.p11ca.client;
