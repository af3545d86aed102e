-- The template builder's own tables (fleet-messaging's outbox and inbox come from db/fleet-messaging).

-- One row per BuildTemplate command (build_id = the command's event id): where the build stands. A restarted builder
-- resumes from here: a build left in 'building' runs its next unacknowledged step again, due agent queries are re-sent.
CREATE TABLE build (
    build_id        TEXT        PRIMARY KEY,
    template        TEXT        NOT NULL,
    route           TEXT        NOT NULL CHECK (route IN ('sftp', 'api')),
    node            TEXT        NOT NULL,
    storage         TEXT        NOT NULL,
    built_from      TEXT        NOT NULL,
    timeout_seconds INTEGER     NOT NULL,
    state           TEXT        NOT NULL,
    -- The build phase's acknowledged steps: artefact found and hashed, image checked, uploaded.
    artifact        TEXT,
    format          TEXT,
    bytes           BIGINT,
    sha256          TEXT,
    checked         BOOLEAN     NOT NULL DEFAULT FALSE,
    volid           TEXT,
    candidate_vmid  INTEGER,
    probe_vmid      INTEGER,
    probe_gone      BOOLEAN     NOT NULL DEFAULT FALSE,
    probe_address   TEXT,
    probe_started_at TIMESTAMPTZ,
    queries         INTEGER     NOT NULL DEFAULT 0,
    awaiting_reply  BOOLEAN     NOT NULL DEFAULT FALSE,
    next_query_at   TIMESTAMPTZ,
    deadline        TIMESTAMPTZ,
    failed_step     TEXT,
    reason          TEXT,
    note            TEXT,
    requested_by    TEXT,
    started_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX build_probing ON build (next_query_at, deadline) WHERE state = 'probing';

-- Every template a build made ready, and whether retention deleted it since.
CREATE TABLE template (
    vmid          INTEGER     NOT NULL,
    node          TEXT        NOT NULL,
    name          TEXT        NOT NULL,
    build_id      TEXT        NOT NULL,
    sha256        TEXT        NOT NULL,
    built_from    TEXT        NOT NULL,
    route         TEXT        NOT NULL,
    ready_at      TIMESTAMPTZ NOT NULL,
    promoted_at   TIMESTAMPTZ,
    deleting_since TIMESTAMPTZ,
    deleted_at    TIMESTAMPTZ,
    PRIMARY KEY (node, vmid)
);

-- Clones seen on pve.events (VmCloned names its template), removed again by VmDestroyed: "in use by" and "last
-- cloned" for the list and the retention rule.
CREATE TABLE template_clone (
    node          TEXT        NOT NULL,
    vmid          INTEGER     NOT NULL,
    template_vmid INTEGER     NOT NULL,
    cloned_at     TIMESTAMPTZ NOT NULL,
    destroyed_at  TIMESTAMPTZ,
    PRIMARY KEY (node, vmid)
);
