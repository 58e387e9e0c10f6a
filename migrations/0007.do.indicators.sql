-- Partner indicators (pre-aggregated cells with statistical secrecy) and
-- conventions (funding agreements: actions, objectives, budget lines, funders' shares).

-- ---------------------------------------------------------------- change log
-- Every write to a table the indicators read leaves one row per territory and
-- writing transaction. A territory is stale while it has such rows; a refresh
-- takes a snapshot, deletes the rows visible in it and rebuilds the territory's
-- cells. Transactions never block each other here (distinct keys, DO NOTHING).
CREATE TABLE indicator_change (
  territory_id uuid NOT NULL REFERENCES territory (id),
  xid          xid8 NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (territory_id, xid)
);

-- Statement-level triggers with transition tables: a bulk write (an import of
-- a million flows, a national match run) costs one INSERT per statement, not
-- one per row.
CREATE FUNCTION indicator_touch_new() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_change (territory_id, xid)
  SELECT DISTINCT territory_id, pg_current_xact_id() FROM new_rows
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION indicator_touch_old() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_change (territory_id, xid)
  SELECT DISTINCT territory_id, pg_current_xact_id() FROM old_rows
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION indicator_touch_both() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_change (territory_id, xid)
  SELECT DISTINCT territory_id, pg_current_xact_id()
  FROM (SELECT territory_id FROM old_rows UNION SELECT territory_id FROM new_rows) AS t
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['company', 'diagnostic', 'flow', 'synergy', 'synergy_participant',
    'synergy_event', 'working_group', 'working_group_member', 'working_group_meeting']
  LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION indicator_touch_new()', t || '_indicator_insert', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION indicator_touch_both()', t || '_indicator_update', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION indicator_touch_old()', t || '_indicator_delete', t);
  END LOOP;
END $$;

-- Territories that already hold data are built on their first request.
INSERT INTO indicator_change (territory_id, xid)
SELECT id, pg_current_xact_id() FROM territory;

-- ---------------------------------------------------------------- cells
-- One row per territory, calendar period (month, quarter, year), scope
-- ('territory', a zone id, or 'none' = companies outside every zone), indicator
-- and dimension: the value, how many companies make it, the largest company's
-- share, and the secrecy decision taken on the whole year's cube (so that no
-- combination of published cells reveals a withheld one).
CREATE TABLE indicator_cell (
  territory_id  uuid NOT NULL REFERENCES territory (id),
  period_kind   text NOT NULL CHECK (period_kind IN ('month', 'quarter', 'year')),
  period_start  date NOT NULL,
  scope         text NOT NULL,
  metric        text NOT NULL,
  dim           text NOT NULL DEFAULT '',
  value         double precision NOT NULL,
  n_companies   integer NOT NULL,
  top_share     double precision NOT NULL,
  secret_reason text CHECK (secret_reason IN ('fewer_than_3', 'dominance', 'secondary')),
  PRIMARY KEY (territory_id, period_kind, period_start, scope, metric, dim)
);

CREATE TABLE indicator_build (
  territory_id uuid PRIMARY KEY REFERENCES territory (id),
  built_at     timestamptz NOT NULL,
  -- Changes with every rebuild.
  version      bigint NOT NULL,
  -- How long the last build took: a slow territory is rebuilt in the background.
  duration_ms  integer NOT NULL DEFAULT 0
);
CREATE SEQUENCE indicator_build_version_seq;

-- ---------------------------------------------------------------- conventions
CREATE TABLE convention (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id uuid NOT NULL REFERENCES territory (id),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  reference    text CHECK (reference IS NULL OR length(reference) <= 200),
  partners     text[] NOT NULL DEFAULT '{}',
  starts_on    date NOT NULL,
  ends_on      date NOT NULL,
  description  text,
  created_by   uuid REFERENCES app_user (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (starts_on <= ends_on)
);
CREATE INDEX convention_territory_idx ON convention (territory_id, starts_on, id);

CREATE TABLE convention_action (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  convention_id uuid NOT NULL REFERENCES convention (id) ON DELETE CASCADE,
  territory_id  uuid NOT NULL REFERENCES territory (id),
  position      integer NOT NULL,
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description   text
);
CREATE INDEX convention_action_convention_idx ON convention_action (convention_id, position);

CREATE TABLE convention_objective (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  action_id     uuid NOT NULL REFERENCES convention_action (id) ON DELETE CASCADE,
  convention_id uuid NOT NULL REFERENCES convention (id) ON DELETE CASCADE,
  territory_id  uuid NOT NULL REFERENCES territory (id),
  position      integer NOT NULL,
  label         text NOT NULL CHECK (length(label) BETWEEN 1 AND 300),
  -- A computed indicator key (see shared/indicators/objectives.ts) or 'manual'.
  metric        text NOT NULL,
  target        double precision NOT NULL CHECK (target >= 0),
  unit          text,
  starts_on     date NOT NULL,
  ends_on       date NOT NULL,
  zone_id       uuid REFERENCES zone (id) ON DELETE SET NULL,
  -- Entered by hand when metric = 'manual'.
  manual_value  double precision,
  CHECK (starts_on <= ends_on)
);
CREATE INDEX convention_objective_convention_idx ON convention_objective (convention_id, position);

CREATE TABLE convention_budget_line (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  convention_id uuid NOT NULL REFERENCES convention (id) ON DELETE CASCADE,
  action_id     uuid REFERENCES convention_action (id) ON DELETE CASCADE,
  territory_id  uuid NOT NULL REFERENCES territory (id),
  year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  position      integer NOT NULL,
  label         text NOT NULL CHECK (length(label) BETWEEN 1 AND 300),
  amount_eur    numeric(14, 2) NOT NULL CHECK (amount_eur >= 0)
);
CREATE INDEX convention_budget_line_convention_idx ON convention_budget_line (convention_id, year, position);

CREATE TABLE convention_funding (
  budget_line_id uuid NOT NULL REFERENCES convention_budget_line (id) ON DELETE CASCADE,
  convention_id  uuid NOT NULL REFERENCES convention (id) ON DELETE CASCADE,
  territory_id   uuid NOT NULL REFERENCES territory (id),
  funder         text NOT NULL CHECK (length(funder) BETWEEN 1 AND 200),
  amount_eur     numeric(14, 2) NOT NULL CHECK (amount_eur >= 0),
  PRIMARY KEY (budget_line_id, funder)
);
CREATE INDEX convention_funding_convention_idx ON convention_funding (convention_id);
