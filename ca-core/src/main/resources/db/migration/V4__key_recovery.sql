-- p11ca CA store, schema 4: key recovery requests and their agent approvals (issue [3], m-of-n).
-- Same portable rules as schema 1: ids drawn by the application in the write transaction, hex serials, instants in
-- epoch milliseconds, certificates named by issuer DN (RFC 4514 canonical) and serial.
--
-- A recovery names the archived key by its certificate's serial; it is PENDING until its approvals reach
-- required_approvals (the configured m when it was asked for), then APPROVED, then RELEASED once the requester has
-- taken the PKCS#12: a recovery releases at most once.
CREATE TABLE key_recovery (
  recovery_id           BIGINT        NOT NULL PRIMARY KEY,
  serial_hex            VARCHAR(40)   NOT NULL,
  status                VARCHAR(16)   NOT NULL,
  required_approvals    INTEGER       NOT NULL,
  requester_issuer_dn   VARCHAR(1024) NOT NULL,
  requester_serial_hex  VARCHAR(40)   NOT NULL,
  requester_name        VARCHAR(256)  NOT NULL,
  requested_at          BIGINT        NOT NULL,
  updated_at            BIGINT        NOT NULL,
  released_at           BIGINT
);

CREATE INDEX key_recovery_by_serial ON key_recovery (serial_hex);

-- One row per approving agent: the primary key stops one certificate approving twice, and the unique agent name
-- stops one agent approving again with a second certificate.
CREATE TABLE key_recovery_approval (
  recovery_id          BIGINT        NOT NULL REFERENCES key_recovery (recovery_id),
  approver_issuer_dn   VARCHAR(1024) NOT NULL,
  approver_serial_hex  VARCHAR(40)   NOT NULL,
  approver_name        VARCHAR(256)  NOT NULL,
  approved_at          BIGINT        NOT NULL,
  PRIMARY KEY (recovery_id, approver_issuer_dn, approver_serial_hex),
  CONSTRAINT key_recovery_approval_once_per_agent UNIQUE (recovery_id, approver_name)
);
