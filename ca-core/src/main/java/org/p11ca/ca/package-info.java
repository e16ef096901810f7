/**
 * The CA as a plain library, no HTTP: CMC parsing, identity proof and proof of possession, profiles, issuance on the
 * token, revocation, KRA archival, repository and audit. Depends on the hsm module only. Built out from issue [2].
 */
package org.p11ca.ca;
