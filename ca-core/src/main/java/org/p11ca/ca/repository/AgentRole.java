package org.p11ca.ca.repository;

/** What an agent certificate may do. */
public enum AgentRole {
  /** Approves requests and signs agent CMC requests (Dogtag's "Certificate Manager Agents"). */
  CA_AGENT,
  /** Takes part in key recovery. */
  KRA_AGENT,
  /** Reads and verifies the signed audit log. */
  AUDITOR
}
