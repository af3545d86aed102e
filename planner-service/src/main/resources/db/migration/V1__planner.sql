-- The planner's state: immutable spec versions and plans, the per-host lifecycle, the event log.

-- One accepted hosts file. Never updated: a new submission is a new version.
CREATE TABLE spec_version (
    version      BIGSERIAL PRIMARY KEY,
    fleet        TEXT        NOT NULL,
    hash         TEXT        NOT NULL,
    source       TEXT        NOT NULL,
    revision     TEXT,
    content      JSONB       NOT NULL,
    nix_source   TEXT,
    auto_approve BOOLEAN     NOT NULL,
    accepted_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX spec_version_fleet ON spec_version (fleet, version);

-- One plan per spec version, computed from one inventory observation. Only applied_at/approved_by
-- are ever set after insert (approval is a fact about the plan, not a change of it).
CREATE TABLE plan (
    id               TEXT PRIMARY KEY,
    spec_version     BIGINT      NOT NULL UNIQUE REFERENCES spec_version (version),
    fleet            TEXT        NOT NULL,
    inventory_digest TEXT,
    inventory        JSONB       NOT NULL,
    changes          JSONB       NOT NULL,
    errors           JSONB       NOT NULL,
    text             TEXT        NOT NULL,
    to_add           INT         NOT NULL,
    to_change        INT         NOT NULL,
    to_destroy       INT         NOT NULL,
    to_adopt         INT         NOT NULL,
    computed_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_at       TIMESTAMPTZ,
    approved_by      TEXT
);

-- Where each managed host is in its lifecycle; desired holds what the reconciler needs from the spec.
CREATE TABLE host_state (
    fleet      TEXT        NOT NULL,
    host       TEXT        NOT NULL,
    vmid       INT         NOT NULL,
    node       TEXT        NOT NULL,
    state      TEXT        NOT NULL,
    step       TEXT,
    reason     TEXT,
    ip         TEXT,
    plan_id    TEXT,
    desired    JSONB       NOT NULL,
    started_at TIMESTAMPTZ,
    ready_at   TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (fleet, host)
);
CREATE INDEX host_state_host ON host_state (host, vmid);

-- Every event of every topic, once.
CREATE TABLE event_log (
    seq            BIGSERIAL   UNIQUE,
    event_id       TEXT        PRIMARY KEY,
    type           TEXT        NOT NULL,
    source         TEXT        NOT NULL,
    subject        TEXT,
    time           TIMESTAMPTZ NOT NULL,
    correlation_id TEXT,
    causation_id   TEXT,
    topic          TEXT        NOT NULL,
    kafka_partition INT        NOT NULL,
    kafka_offset   BIGINT      NOT NULL,
    data           JSONB       NOT NULL,
    logged_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX event_log_subject ON event_log (subject, time);
CREATE INDEX event_log_correlation ON event_log (correlation_id);
CREATE INDEX event_log_time ON event_log (time, seq);
