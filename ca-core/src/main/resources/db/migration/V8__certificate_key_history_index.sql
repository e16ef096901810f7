-- p11ca CA store, schema 8: the renewal rules ask three questions of a key's earlier certificates (another subject?
-- revoked? already certified for this subject?). Ordering the key's index by subject and status answers each with
-- one index seek, so the check costs the same after the ten-thousandth same-key renewal as after the first.
DROP INDEX certificate_by_key;

CREATE INDEX certificate_by_key ON certificate (spki_sha256, subject_dn, status);
