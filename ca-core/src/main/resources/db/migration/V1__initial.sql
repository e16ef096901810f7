-- p11ca CA store, schema 1. Kept to SQL that SQLite and PostgreSQL both accept:
--   * serials are lowercase hex VARCHAR (RFC 5280 4.1.2.2 allows 20 octets, more than BIGINT holds);
--   * DER and to-be-signed bytes are base64 TEXT, avoiding the BLOB / BYTEA split;
--   * instants are epoch milliseconds in BIGINT;
--   * ids are drawn by the application inside the (serialized) write transaction, not by AUTOINCREMENT / SERIAL.

CREATE TABLE cert_request (
  request_id      BIGINT       NOT NULL PRIMARY KEY,
  status          VARCHAR(16)  NOT NULL,
  profile_id      VARCHAR(128) NOT NULL,
  subject_dn      TEXT         NOT NULL,
  requester       TEXT         NOT NULL,
  transaction_id  VARCHAR(128),
  created_at      BIGINT       NOT NULL,
  updated_at      BIGINT       NOT NULL
);

-- A row is inserted as RESERVED with what is about to be signed before the token signs (record intent first), so
-- a crash between signing and markIssued leaves a row that can still be revoked.
CREATE TABLE certificate (
  serial_hex         VARCHAR(40)  NOT NULL,
  status             VARCHAR(16)  NOT NULL,
  request_id         BIGINT       REFERENCES cert_request (request_id),
  profile_id         VARCHAR(128) NOT NULL,
  subject_dn         TEXT         NOT NULL,
  tbs_b64            TEXT         NOT NULL,
  der_b64            TEXT,
  not_before         BIGINT,
  not_after          BIGINT,
  reserved_at        BIGINT       NOT NULL,
  issued_at          BIGINT,
  revoked_at         BIGINT,
  revocation_reason  INTEGER,
  invalidity_date    BIGINT,
  CONSTRAINT certificate_serial_unique PRIMARY KEY (serial_hex)
);

CREATE INDEX certificate_by_status ON certificate (status);
CREATE INDEX certificate_by_request ON certificate (request_id);

-- Which certificates (issuer DN in RFC 4514 canonical form + serial) authenticate an agent, and in which roles.
CREATE TABLE agent_role (
  issuer_dn   VARCHAR(1024) NOT NULL,
  serial_hex  VARCHAR(40)   NOT NULL,
  agent_name  VARCHAR(256)  NOT NULL,
  role        VARCHAR(32)   NOT NULL,
  granted_at  BIGINT        NOT NULL,
  PRIMARY KEY (issuer_dn, serial_hex, role)
);
