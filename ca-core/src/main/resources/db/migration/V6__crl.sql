-- p11ca CA store, schema 6: full CRLs (RFC 5280 section 5). Same portable rules as schema 1: instants in epoch
-- milliseconds, DER as base64 TEXT.
--
-- A row is inserted with its CRL number before the token signs (record intent first), so a number is never given
-- to two CRLs, even across a crash between signing and storing; der_b64 is filled in once the CRL is signed and
-- verified. Older rows are deleted when a newer CRL is stored, so the table holds the latest CRL (which survives a
-- restart) and, through it, the highest number used. BIGINT numbers fit the CRL Number's 20 octets (5.2.3).
CREATE TABLE crl (
  crl_number   BIGINT  NOT NULL PRIMARY KEY,
  this_update  BIGINT  NOT NULL,
  next_update  BIGINT  NOT NULL,
  der_b64      TEXT,
  reserved_at  BIGINT  NOT NULL
);
