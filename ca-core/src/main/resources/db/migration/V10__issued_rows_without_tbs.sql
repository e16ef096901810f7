-- p11ca CA store, schema 10: tbs_b64 holds the TBSCertificate recorded before the token signs it, so a crash between
-- signing and storing leaves a serial that can be found and revoked. Once the certificate is stored, der_b64 holds
-- those same bytes signed, and keeping both doubled every issued row (about 1.2 KB of base64 each for an RSA-2048
-- subscriber). From this schema on an issued row keeps '' there (the column stays NOT NULL: SQLite cannot relax a
-- constraint without rebuilding the table); rows issued before it are emptied here.
UPDATE certificate SET tbs_b64 = '' WHERE der_b64 IS NOT NULL;
