-- Knowledge base: compatibility rules (shared by all territories, managed by
-- administrators) and the emission factors their gain models use.

CREATE TABLE compatibility_rule (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  origin      text NOT NULL CHECK (origin IN ('file', 'admin')),
  family      text NOT NULL,
  -- The rule as written in data/rules/*.yaml (or as created by an administrator).
  definition  jsonb NOT NULL,
  -- An administrator's tuning (confidence, maxDistanceKm, conditions, labelFr),
  -- kept apart so that reloading the files never erases it.
  override    jsonb NOT NULL DEFAULT '{}',
  enabled     boolean NOT NULL DEFAULT true,
  file_path   text,
  -- A file rule that disappeared from the files stays for history, inactive.
  removed_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  uuid REFERENCES app_user (id)
);
CREATE INDEX compatibility_rule_family_idx ON compatibility_rule (family);

CREATE TABLE emission_factor (
  key     text PRIMARY KEY,
  label   text NOT NULL,
  value   double precision NOT NULL,
  unit    text NOT NULL,
  source  text NOT NULL,
  licence text NOT NULL,
  note    text
);
