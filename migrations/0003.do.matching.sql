-- Matching: runs of the engine and the synergies (pistes de synergie) they propose.

CREATE TABLE match_run (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id      uuid NOT NULL REFERENCES territory (id),
  trigger           text NOT NULL CHECK (trigger IN ('manual', 'diagnostic_validated')),
  -- Incremental run: the companies whose diagnostic changed. Empty = full run.
  scope_company_ids uuid[] NOT NULL DEFAULT '{}',
  status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  params            jsonb NOT NULL DEFAULT '{}',
  engine_version    text,
  rule_set_version  text,
  progress          integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  counts            jsonb NOT NULL DEFAULT '{}',
  insights          jsonb,
  attempts          integer NOT NULL DEFAULT 0,
  error             text,
  requested_by      uuid REFERENCES app_user (id),
  request_id        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  finished_at       timestamptz
);
CREATE INDEX match_run_territory_idx ON match_run (territory_id, created_at DESC);

CREATE TABLE synergy (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id       uuid NOT NULL REFERENCES territory (id),
  -- Hash of type, resource and sorted participant flows: a re-run updates the same row.
  key                text NOT NULL,
  type               text NOT NULL CHECK (type IN ('substitution', 'mutualisation')),
  resource_code      text NOT NULL,
  rule_id            text REFERENCES compatibility_rule (id),
  origin             text NOT NULL DEFAULT 'engine' CHECK (origin IN ('engine', 'manual')),
  status             text NOT NULL DEFAULT 'proposed' CHECK (status IN
                       ('proposed', 'qualified', 'under_study', 'in_progress', 'implemented', 'rejected', 'abandoned')),
  score              double precision,
  score_breakdown    jsonb,
  explanation_fr     text,
  distance_km        double precision,
  quantity_per_year  double precision,
  unit               text,
  theme              text,
  estimated_gains    jsonb,
  realised_gains     jsonb,
  first_run_id       uuid REFERENCES match_run (id),
  last_run_id        uuid REFERENCES match_run (id),
  -- No longer proposed by the latest run (flows changed): kept, flagged.
  stale              boolean NOT NULL DEFAULT false,
  stale_since        timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (territory_id, key)
);
CREATE INDEX synergy_territory_score_idx ON synergy (territory_id, score DESC, id);
CREATE INDEX synergy_territory_status_idx ON synergy (territory_id, status);

CREATE TABLE synergy_participant (
  synergy_id   uuid NOT NULL REFERENCES synergy (id) ON DELETE CASCADE,
  territory_id uuid NOT NULL REFERENCES territory (id),
  role         text NOT NULL CHECK (role IN ('supplier', 'receiver', 'member')),
  company_id   uuid NOT NULL REFERENCES company (id),
  flow_id      uuid REFERENCES flow (id) ON DELETE SET NULL,
  position     integer NOT NULL,
  PRIMARY KEY (synergy_id, position)
);
CREATE INDEX synergy_participant_company_idx ON synergy_participant (company_id);

CREATE TABLE synergy_event (
  id            bigserial PRIMARY KEY,
  synergy_id    uuid NOT NULL REFERENCES synergy (id) ON DELETE CASCADE,
  territory_id  uuid NOT NULL REFERENCES territory (id),
  from_status   text,
  to_status     text NOT NULL,
  actor_user_id uuid REFERENCES app_user (id),
  run_id        uuid REFERENCES match_run (id),
  comment       text,
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX synergy_event_synergy_idx ON synergy_event (synergy_id, id);
