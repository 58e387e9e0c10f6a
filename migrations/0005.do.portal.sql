-- Company portal: contacts shown once two companies agree to be introduced,
-- companies' answers to synergies, an in-app notification feed, and the
-- corrections a company proposes to its diagnostic.

ALTER TABLE company
  ADD COLUMN contact_email text CHECK (contact_email IS NULL OR length(contact_email) <= 320),
  ADD COLUMN contact_phone text CHECK (contact_phone IS NULL OR length(contact_phone) <= 40);

-- Every answer a company gives on a synergy, append-only: the current answer of a
-- company is its latest row; the earlier ones are the history. An answer does not
-- change the synergy's status (officers run it).
CREATE TABLE synergy_answer (
  id            bigserial PRIMARY KEY,
  synergy_id    uuid NOT NULL REFERENCES synergy (id) ON DELETE CASCADE,
  territory_id  uuid NOT NULL REFERENCES territory (id),
  company_id    uuid NOT NULL REFERENCES company (id),
  answer        text NOT NULL CHECK (answer IN ('accept', 'decline', 'introduce')),
  reason_code   text CHECK (reason_code IN ('technical', 'economic', 'regulatory', 'distance',
                  'quantity', 'quality', 'no_interest', 'duplicate', 'other')),
  comment       text CHECK (comment IS NULL OR length(comment) <= 2000),
  actor_user_id uuid REFERENCES app_user (id),
  at            timestamptz NOT NULL DEFAULT now(),
  CHECK (answer <> 'decline' OR reason_code IS NOT NULL)
);
CREATE INDEX synergy_answer_synergy_idx ON synergy_answer (synergy_id, company_id, id);

-- The company's feed. 'counterpart_answered' and 'introduced' are written by the API
-- with the answer that causes them; 'new_proposal' rows are added when the feed is
-- read, for the open proposals involving the company that have none yet (the worker
-- that writes synergies stays unaware of the portal). Texts never name a counterpart.
CREATE TABLE notification (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id uuid NOT NULL REFERENCES territory (id),
  company_id   uuid NOT NULL REFERENCES company (id),
  kind         text NOT NULL CHECK (kind IN ('new_proposal', 'counterpart_answered', 'introduced')),
  synergy_id   uuid NOT NULL REFERENCES synergy (id) ON DELETE CASCADE,
  text_fr      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_company_idx ON notification (company_id, created_at DESC, id);
CREATE UNIQUE INDEX notification_one_proposal_idx ON notification (company_id, synergy_id)
  WHERE kind = 'new_proposal';

-- Read markers, one per user: each user of a company has its own unread count.
CREATE TABLE notification_read (
  notification_id uuid NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  territory_id    uuid NOT NULL REFERENCES territory (id),
  read_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (notification_id, user_id)
);

-- A company proposes edits to its current diagnostic; an officer accepts them (a
-- new draft version is written with the edits applied) or rejects them.
CREATE TABLE diagnostic_correction (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  territory_id         uuid NOT NULL REFERENCES territory (id),
  company_id           uuid NOT NULL REFERENCES company (id),
  diagnostic_id        uuid NOT NULL REFERENCES diagnostic (id),
  status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  edits                jsonb NOT NULL,
  comment              text,
  proposed_by          uuid REFERENCES app_user (id),
  created_at           timestamptz NOT NULL DEFAULT now(),
  decided_by           uuid REFERENCES app_user (id),
  decided_at           timestamptz,
  decision_comment     text,
  result_diagnostic_id uuid REFERENCES diagnostic (id) ON DELETE SET NULL
);
CREATE INDEX diagnostic_correction_company_idx ON diagnostic_correction (company_id, created_at DESC, id);
