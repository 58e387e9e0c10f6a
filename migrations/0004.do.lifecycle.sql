-- Synergy lifecycle (transitions with reasons, manual synergies, realised gains,
-- rejection feedback to matching) and working groups.

-- Every transition is an event; closing ones carry a reason from a closed list.
ALTER TABLE synergy_event
  ADD COLUMN reason_code text CHECK (reason_code IN
    ('technical', 'economic', 'regulatory', 'distance', 'quantity', 'quality', 'no_interest', 'duplicate', 'other'));
CREATE INDEX synergy_event_territory_at_idx ON synergy_event (territory_id, synergy_id, at DESC);

-- Manual synergies (found in a meeting) say who created them. Realised gains
-- live in synergy.realised_gains (jsonb, validated by the API schema).
ALTER TABLE synergy ADD COLUMN created_by uuid REFERENCES app_user (id);

-- A rejected substitution, as the engine must recognise it again: the two
-- companies, the rule (null = exact resource match) and a fingerprint of both
-- flows' matching-relevant fields (resource, yearly quantity, unit, hazard,
-- company and location). A run drops a substitution of the same pair, rule and
-- fingerprint; any change of the flows changes the fingerprint.
CREATE TABLE synergy_rejection (
  id                  bigserial PRIMARY KEY,
  territory_id        uuid NOT NULL REFERENCES territory (id),
  synergy_id          uuid NOT NULL REFERENCES synergy (id) ON DELETE CASCADE,
  supplier_company_id uuid NOT NULL REFERENCES company (id),
  receiver_company_id uuid NOT NULL REFERENCES company (id),
  supply_flow_id      uuid,
  demand_flow_id      uuid,
  rule_id             text,
  fingerprint         text NOT NULL,
  reason_code         text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (synergy_id)
);
CREATE INDEX synergy_rejection_territory_idx ON synergy_rejection (territory_id);

-- Working groups (groupes de travail).
CREATE TABLE working_group (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id uuid NOT NULL REFERENCES territory (id),
  theme        text NOT NULL CHECK (theme IN
                 ('energy_purchasing', 'shared_services', 'pallets', 'waste_collection', 'equipment', 'custom')),
  name         text NOT NULL,
  description  text,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  created_by   uuid REFERENCES app_user (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX working_group_territory_idx ON working_group (territory_id, name, id);

CREATE TABLE working_group_member (
  working_group_id uuid NOT NULL REFERENCES working_group (id) ON DELETE CASCADE,
  territory_id     uuid NOT NULL REFERENCES territory (id),
  company_id       uuid NOT NULL REFERENCES company (id),
  -- 'manual' (added by an officer) or 'synergy' (came with a linked mutualisation)
  source           text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'synergy')),
  added_by         uuid REFERENCES app_user (id),
  added_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (working_group_id, company_id)
);
CREATE INDEX working_group_member_company_idx ON working_group_member (company_id);

CREATE TABLE working_group_meeting (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  working_group_id     uuid NOT NULL REFERENCES working_group (id) ON DELETE CASCADE,
  territory_id         uuid NOT NULL REFERENCES territory (id),
  held_on              date NOT NULL,
  title                text,
  attendee_company_ids uuid[] NOT NULL DEFAULT '{}',
  -- People without a company record (a partner, an expert), free text.
  attendee_names       text[] NOT NULL DEFAULT '{}',
  minutes              text,
  created_by           uuid REFERENCES app_user (id),
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX working_group_meeting_group_idx ON working_group_meeting (working_group_id, held_on DESC, id);

CREATE TABLE working_group_synergy (
  working_group_id uuid NOT NULL REFERENCES working_group (id) ON DELETE CASCADE,
  synergy_id       uuid NOT NULL REFERENCES synergy (id) ON DELETE CASCADE,
  territory_id     uuid NOT NULL REFERENCES territory (id),
  linked_by        uuid REFERENCES app_user (id),
  linked_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (working_group_id, synergy_id)
);
CREATE INDEX working_group_synergy_synergy_idx ON working_group_synergy (synergy_id);
