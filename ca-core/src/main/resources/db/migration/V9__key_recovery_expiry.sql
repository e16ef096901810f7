-- p11ca CA store, schema 9: a key recovery is open for a limited time (kra.recoveryLifetime when it was asked for),
-- so approvals given long ago cannot release a key today; and an agent may cancel one (status CANCELLED).
-- Recoveries asked for before this schema get one day from when they were asked for, the default lifetime.
ALTER TABLE key_recovery ADD COLUMN expires_at BIGINT;

UPDATE key_recovery SET expires_at = requested_at + 86400000 WHERE expires_at IS NULL;
