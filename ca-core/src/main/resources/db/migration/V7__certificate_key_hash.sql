-- p11ca CA store, schema 7: the SHA-256 of each certificate's SubjectPublicKeyInfo (lowercase hex), so a profile's
-- renewal rules (issue [5]: uniqueKeyConstraint, allowSameKeyRenewal) find every certificate of a key with one
-- indexed lookup. Rows reserved before this schema have NULL and are not found by key.
ALTER TABLE certificate ADD COLUMN spki_sha256 VARCHAR(64);

CREATE INDEX certificate_by_key ON certificate (spki_sha256);
