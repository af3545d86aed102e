-- Plans (issue #3): a spec version may have several plans (each `fleetplane plan` computes a fresh one against a
-- fresh inventory; `origin` says which: 'spec' = computed when the version was accepted, 'request' = asked for),
-- the JSON face beside the text, forgotten hosts, and which hosts an apply took (--target / --exclude).
ALTER TABLE plan DROP CONSTRAINT IF EXISTS plan_spec_version_key;
CREATE INDEX plan_spec_version ON plan (spec_version, computed_at);
ALTER TABLE plan ADD COLUMN origin        TEXT NOT NULL DEFAULT 'spec';
ALTER TABLE plan ADD COLUMN json          JSONB;
ALTER TABLE plan ADD COLUMN to_forget     INT  NOT NULL DEFAULT 0;
ALTER TABLE plan ADD COLUMN applied_hosts JSONB;

-- A fresh inventory someone waits for (an online plan, the staleness check of an apply): the SyncInventory's
-- event id is what the adapter's InventoryObserved names as its causation id. Rows live minutes.
CREATE TABLE inventory_request (
    sync_event_id TEXT PRIMARY KEY,
    fleet         TEXT        NOT NULL,
    purpose       TEXT        NOT NULL,
    requested_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    observed_at   TIMESTAMPTZ,
    digest        TEXT,
    vms           JSONB
);
