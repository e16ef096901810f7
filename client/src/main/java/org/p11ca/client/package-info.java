/**
 * The subscriber's CMC tools (p11ca-cmc: crmf, pkcs10, request, submit, response), on ca-core's CMC models only.
 * Built out from issue [2].
 */
package org.p11ca.client;
