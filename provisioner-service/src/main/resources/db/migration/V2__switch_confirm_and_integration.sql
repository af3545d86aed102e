-- The saga goes on after the rebuild: confirming the switch over a fresh connection (the guest's address may have
-- changed), integrating the host, and a retry from the failed step.
ALTER TABLE saga DROP CONSTRAINT IF EXISTS saga_state_check;
ALTER TABLE saga ADD CONSTRAINT saga_state_check
    CHECK (state IN ('resolving-ip', 'rebuilding', 'confirming', 'integrating', 'succeeded', 'failed'));
ALTER TABLE saga ADD COLUMN new_vm          BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE saga ADD COLUMN system_before   TEXT;
ALTER TABLE saga ADD COLUMN rebuild_outcome TEXT;
ALTER TABLE saga ADD COLUMN rebuild_millis  BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE saga ADD COLUMN rebuild_runs    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE saga ADD COLUMN probing         BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE saga ADD COLUMN failed_step     TEXT;

DROP INDEX IF EXISTS saga_resolving;
CREATE INDEX saga_querying ON saga (next_query_at, deadline) WHERE state IN ('resolving-ip', 'confirming');

-- The hardware configuration of each host as fleetplane keeps it (what the user commits as
-- hosts/<host>/hardware-configuration.nix); a later generation replaces it according to the policy.
CREATE TABLE hardware_config (
    host          TEXT        PRIMARY KEY,
    vmid          INTEGER     NOT NULL,
    content       TEXT        NOT NULL,
    sha256        TEXT        NOT NULL,
    generated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- What `fleetplane integrate HOST` prints: the host key and the lines a user commits.
CREATE TABLE host_integration (
    host           TEXT        PRIMARY KEY,
    vmid           INTEGER     NOT NULL,
    public_key     TEXT        NOT NULL,
    fingerprint    TEXT        NOT NULL,
    age_recipient  TEXT        NOT NULL,
    hosts_nix      TEXT        NOT NULL,
    sops_yaml      TEXT        NOT NULL,
    ip             TEXT,
    tailscale_tags TEXT,
    discovered_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
