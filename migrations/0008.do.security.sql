-- Security and data protection.

-- Failed logins per account, keyed by the SHA-256 of the lower-cased e-mail so that
-- unknown addresses are counted (and locked) exactly like known ones: a lock never
-- reveals whether an account exists, and no address is stored in clear here.
CREATE TABLE login_throttle (
  email_hash    bytea PRIMARY KEY,
  failures      integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  locked_until  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- GDPR erasure: the account stays (audit and synergy rows keep pointing at it) but its
-- personal data is replaced; erased_at says when.
ALTER TABLE app_user ADD COLUMN erased_at timestamptz;
