-- p11ca CA store, schema 3: the KRA's archived keys and their recovery.
-- An archived key is stored only wrapped on the token under the storage key (wrapped_b64 + the mechanism and IV
-- needed to unwrap it there); it is recorded with its request in round 1 and linked to the certificate serial once
-- issued.
CREATE TABLE archived_key (
  request_id      BIGINT        NOT NULL PRIMARY KEY REFERENCES cert_request (request_id),
  serial_hex      VARCHAR(40),
  public_key_b64  TEXT          NOT NULL,
  wrap_mechanism  VARCHAR(32)   NOT NULL,
  wrap_iv_b64     TEXT,
  wrapped_b64     TEXT          NOT NULL,
  storage_key     VARCHAR(128)  NOT NULL,
  archived_at     BIGINT        NOT NULL
);

CREATE INDEX archived_key_by_serial ON archived_key (serial_hex);
