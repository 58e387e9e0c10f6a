-- Symbiose initial schema. Every table holding tenant data carries
-- territory_id so that it can later be distributed on it (Citus).

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE; an IMMUTABLE wrapper lets us index searchable labels.
CREATE FUNCTION immutable_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- ---------------------------------------------------------------- nomenclatures

CREATE TABLE naf (
  code              text PRIMARY KEY CHECK (code ~ '^\d{2}\.\d{2}[A-Z]$'),
  label_fr          text NOT NULL,
  section           text NOT NULL,
  section_label_fr  text NOT NULL,
  division          text NOT NULL,
  division_label_fr text NOT NULL
);

CREATE TABLE resource (
  code           text PRIMARY KEY,
  parent_code    text REFERENCES resource (code),
  source         text NOT NULL CHECK (source IN ('ewc', 'catalogue')),
  category       text NOT NULL CHECK (category IN
                   ('material','energy','water','waste','equipment','service','skill','logistics','space')),
  canonical_unit text NOT NULL CHECK (canonical_unit IN ('t','m3','MWh','unit','h','m2')),
  label_fr       text NOT NULL,
  label_en       text NOT NULL,
  -- EWC only: the official display form ("17 06 01*"), the level, the hazard flag.
  code_display   text,
  level          text NOT NULL CHECK (level IN ('chapter','sub_chapter','entry','group','item')),
  hazardous      boolean NOT NULL DEFAULT false,
  -- Headings (EWC chapters, catalogue roots) group entries but cannot be used on a flow.
  selectable     boolean NOT NULL DEFAULT true,
  synonyms_fr    text[] NOT NULL DEFAULT '{}',
  search_text    text NOT NULL DEFAULT ''
);
CREATE INDEX resource_parent_idx ON resource (parent_code);
CREATE INDEX resource_search_trgm_idx ON resource USING gin (search_text gin_trgm_ops);
CREATE INDEX resource_code_prefix_idx ON resource (code text_pattern_ops);

-- ---------------------------------------------------------------- tenants and places

CREATE TABLE territory (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE zone (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id uuid NOT NULL REFERENCES territory (id),
  name         text NOT NULL,
  geom         geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (territory_id, name)
);
CREATE INDEX zone_geom_idx ON zone USING gist (geom);
CREATE INDEX zone_territory_idx ON zone (territory_id);

CREATE TABLE company (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id    uuid NOT NULL REFERENCES territory (id),
  siret           char(14) NOT NULL CHECK (siret ~ '^\d{14}$'),
  name            text NOT NULL,
  naf_code        text NOT NULL REFERENCES naf (code),
  headcount_band  text CHECK (headcount_band IN ('0','1-9','10-49','50-249','250-999','1000+')),
  address         text,
  location        geometry(Point, 4326),
  -- Derived from location with ST_Covers on every write; never set by a client.
  zone_id         uuid REFERENCES zone (id) ON DELETE SET NULL,
  is_ess          boolean NOT NULL DEFAULT false,
  consent_share_identity boolean NOT NULL DEFAULT false,
  consent_share_flows    boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (territory_id, siret)
);
CREATE INDEX company_location_idx ON company USING gist (location);
CREATE INDEX company_territory_name_idx ON company (territory_id, name, id);
CREATE INDEX company_zone_idx ON company (zone_id);
CREATE INDEX company_naf_idx ON company (territory_id, naf_code);

-- ---------------------------------------------------------------- people and access

CREATE TABLE app_user (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL,
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin','officer','company')),
  company_id    uuid REFERENCES company (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz,
  CHECK ((role = 'company') = (company_id IS NOT NULL))
);
CREATE UNIQUE INDEX app_user_email_idx ON app_user (lower(email));

-- Officers work for one or more territories.
CREATE TABLE user_territory (
  user_id      uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  territory_id uuid NOT NULL REFERENCES territory (id),
  PRIMARY KEY (user_id, territory_id)
);

CREATE TABLE auth_token (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  token_hash  bytea NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);

-- Partner keys (read-only, aggregated indicators). Only a SHA-256 of the key is kept.
CREATE TABLE api_key (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     bytea NOT NULL UNIQUE,
  scopes       text[] NOT NULL DEFAULT '{indicators:read}',
  created_by   uuid REFERENCES app_user (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

CREATE TABLE api_key_territory (
  api_key_id   uuid NOT NULL REFERENCES api_key (id) ON DELETE CASCADE,
  territory_id uuid NOT NULL REFERENCES territory (id),
  PRIMARY KEY (api_key_id, territory_id)
);

-- ---------------------------------------------------------------- diagnostics and flows

CREATE TABLE diagnostic (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id  uuid NOT NULL REFERENCES territory (id),
  company_id    uuid NOT NULL REFERENCES company (id),
  version       integer NOT NULL CHECK (version > 0),
  status        text NOT NULL CHECK (status IN ('draft','validated','superseded')),
  visited_at    date,
  notes         text,
  author_id     uuid REFERENCES app_user (id),
  -- Bumped on every change; the ETag of the diagnostic.
  revision      integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  validated_at  timestamptz,
  validated_by  uuid REFERENCES app_user (id),
  superseded_at timestamptz,
  UNIQUE (company_id, version)
);
-- At most one current (validated) diagnostic per company.
CREATE UNIQUE INDEX diagnostic_one_validated_idx ON diagnostic (company_id) WHERE status = 'validated';
CREATE INDEX diagnostic_territory_idx ON diagnostic (territory_id, status);

CREATE TABLE flow (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id       uuid NOT NULL REFERENCES territory (id),
  diagnostic_id      uuid NOT NULL REFERENCES diagnostic (id) ON DELETE CASCADE,
  company_id         uuid NOT NULL REFERENCES company (id),
  position           integer NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('input','output','waste','need')),
  category           text NOT NULL CHECK (category IN
                       ('material','energy','water','waste','equipment','service','skill','logistics','space')),
  resource_code      text NOT NULL REFERENCES resource (code),
  label              text,
  quantity           double precision CHECK (quantity >= 0),
  unit               text,
  period             text CHECK (period IN ('year','quarter','month','week','day','one_off')),
  quantity_per_year  double precision,
  canonical_unit     text CHECK (canonical_unit IN ('t','m3','MWh','unit','h','m2')),
  cost_eur_per_year  double precision,
  hazardous          boolean NOT NULL DEFAULT false,
  quality            jsonb NOT NULL DEFAULT '{}',
  availability       text,
  confidentiality    text NOT NULL DEFAULT 'territory' CHECK (confidentiality IN ('public','territory','private')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (diagnostic_id, position),
  CHECK ((quantity IS NULL) = (unit IS NULL))
);
CREATE INDEX flow_diagnostic_idx ON flow (diagnostic_id);
CREATE INDEX flow_territory_resource_idx ON flow (territory_id, resource_code);
CREATE INDEX flow_company_idx ON flow (company_id);

-- ---------------------------------------------------------------- audit, outbox, idempotency

CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  territory_id  uuid REFERENCES territory (id),
  actor_user_id uuid REFERENCES app_user (id),
  actor_api_key_id uuid REFERENCES api_key (id),
  action        text NOT NULL,
  entity        text NOT NULL,
  entity_id     text NOT NULL,
  before        jsonb,
  after         jsonb,
  request_id    text,
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_territory_idx ON audit_log (territory_id, id);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);

CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  territory_id  uuid REFERENCES territory (id),
  topic         text NOT NULL,
  payload       jsonb NOT NULL,
  request_id    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE dispatched_at IS NULL;

-- A repeated POST with the same Idempotency-Key replays the stored answer.
CREATE TABLE idempotency_key (
  principal     text NOT NULL,
  key           text NOT NULL,
  method        text NOT NULL,
  path          text NOT NULL,
  request_hash  text NOT NULL,
  status_code   integer,
  response_body jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
