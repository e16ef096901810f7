-- p11ca CA store, schema 2: EncryptedPOP challenges waiting for their DecryptedPOP (RFC 5272 section 6.7).
-- One row per challenged request, written in round 1 and removed in round 2 (whatever the outcome), so a challenge
-- answers at most once. The challenge itself is stored only encrypted (AES-GCM) under a key that never leaves the
-- token; the row says which key, so a key rollover leaves old rows readable.
CREATE TABLE pending_pop (
  request_id               BIGINT        NOT NULL PRIMARY KEY REFERENCES cert_request (request_id),
  format                   VARCHAR(16)   NOT NULL,
  body_part_id             INTEGER       NOT NULL,
  tagged_request_b64       TEXT          NOT NULL,
  signer_issuer_dn         VARCHAR(1024) NOT NULL,
  signer_serial_hex        VARCHAR(40)   NOT NULL,
  protected_challenge_b64  TEXT          NOT NULL,
  protection_iv_b64        TEXT          NOT NULL,
  protection_key           VARCHAR(128)  NOT NULL,
  created_at               BIGINT        NOT NULL,
  expires_at               BIGINT        NOT NULL
);

CREATE INDEX pending_pop_by_expiry ON pending_pop (expires_at);
