-- p11ca CA store, schema 5: shared secrets for identityProofV2 and popLinkWitnessV2 (issue [4]).
-- Same portable rules as schema 1: ids drawn by the application in the write transaction, instants in epoch
-- milliseconds. The secret itself is only stored encrypted (AES-GCM under a token key, bound to its identification);
-- the CA needs the secret, not a hash of it, because the client picks the hash, MAC and PBKDF2 salt per request.
--
-- status: ACTIVE until revoked (REVOKED), replaced by a newer secret (REPLACED), locked after too many failed proofs
-- (LOCKED) or spent (USED, when uses reaches max_uses; max_uses NULL = no limit). Expiry is by time (expires_at).
-- At most one ACTIVE secret per identification, so a lookup by identification is unambiguous.
CREATE TABLE shared_secret (
  secret_id             BIGINT        NOT NULL PRIMARY KEY,
  identification        VARCHAR(256)  NOT NULL,
  subject_dn            VARCHAR(1024),
  status                VARCHAR(16)   NOT NULL,
  max_uses              INTEGER,
  uses                  INTEGER       NOT NULL,
  failures              INTEGER       NOT NULL,
  protected_secret_b64  VARCHAR(1024) NOT NULL,
  protection_iv_b64     VARCHAR(64)   NOT NULL,
  protection_key        VARCHAR(256)  NOT NULL,
  created_by            VARCHAR(256)  NOT NULL,
  created_at            BIGINT        NOT NULL,
  expires_at            BIGINT        NOT NULL,
  last_used_at          BIGINT,
  closed_at             BIGINT
);

CREATE UNIQUE INDEX shared_secret_one_active ON shared_secret (identification) WHERE status = 'ACTIVE';
