-- Imports of spreadsheets (companies, diagnostics with their flows), of the
-- public SIRENE establishment file and of zones (GeoJSON). An upload is kept
-- with its dry-run report; a commit writes everything or nothing.

CREATE TABLE data_import (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id  uuid NOT NULL REFERENCES territory (id),
  kind          text NOT NULL CHECK (kind IN ('companies', 'diagnostics', 'sirene', 'zones')),
  format        text NOT NULL CHECK (format IN ('csv', 'xlsx', 'geojson')),
  filename      text,
  sha256        text NOT NULL,
  -- Filters and options given at upload (SIRENE: communes or zone).
  options       jsonb NOT NULL DEFAULT '{}',
  status        text NOT NULL DEFAULT 'uploaded' CHECK (status IN
                  ('uploaded', 'dry_run_failed', 'ready', 'committing', 'committed', 'failed')),
  rows_total    integer NOT NULL DEFAULT 0,
  rows_done     integer NOT NULL DEFAULT 0,
  -- Row-level problems of the dry run (capped), and how many there were in all.
  problems      jsonb NOT NULL DEFAULT '[]',
  problem_count integer NOT NULL DEFAULT 0,
  -- What the commit did: created / updated / unchanged per entity.
  summary       jsonb NOT NULL DEFAULT '{}',
  -- Third-party data keeps its source and licence (SIRENE: Etalab 2.0).
  source        text,
  licence       text,
  -- The uploaded file itself: the commit parses it again (the dry run is not trusted).
  content       bytea NOT NULL,
  error         text,
  created_by    uuid REFERENCES app_user (id),
  request_id    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  committed_at  timestamptz
);
CREATE INDEX data_import_territory_idx ON data_import (territory_id, created_at DESC);

-- Where a company came from (null: typed in the application).
ALTER TABLE company ADD COLUMN source text;
ALTER TABLE company ADD COLUMN source_licence text;
ALTER TABLE company ADD COLUMN import_id uuid REFERENCES data_import (id) ON DELETE SET NULL;

-- Row key of an imported flow (kind, resource, label), for the record: a
-- re-import finds its flows by this key, computed from the stored values.
ALTER TABLE flow ADD COLUMN import_key text;
ALTER TABLE diagnostic ADD COLUMN import_id uuid REFERENCES data_import (id) ON DELETE SET NULL;
CREATE INDEX diagnostic_company_visit_idx ON diagnostic (company_id, visited_at);
