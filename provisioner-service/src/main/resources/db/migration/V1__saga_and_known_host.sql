-- The provisioner's own tables (fleet-messaging's outbox and inbox come from db/fleet-messaging).

-- One provisioning saga per host: the command it came from and where it stands. A restarted
-- provisioner resumes from here: due queries are re-sent, rebuilds left in 'rebuilding' run again.
CREATE TABLE saga (
    host             TEXT        PRIMARY KEY,
    vmid             INTEGER     NOT NULL,
    node             TEXT        NOT NULL,
    login_user       TEXT        NOT NULL,
    rebuild_command  TEXT        NOT NULL,
    state            TEXT        NOT NULL CHECK (state IN ('resolving-ip', 'rebuilding', 'succeeded', 'failed')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    awaiting_reply   BOOLEAN     NOT NULL DEFAULT FALSE,
    next_query_at    TIMESTAMPTZ,
    deadline         TIMESTAMPTZ NOT NULL,
    ip               TEXT,
    correlation_id   TEXT        NOT NULL,
    command_event_id TEXT        NOT NULL,
    last_event_id    TEXT        NOT NULL,
    last_reason      TEXT,
    started_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The scheduler's question, asked every tick: which resolutions need a query or have run out of time.
CREATE INDEX saga_resolving ON saga (next_query_at, deadline) WHERE state = 'resolving-ip';

-- Host keys pinned on first contact, by host name (a guest's IP changes with DHCP; its identity must not).
CREATE TABLE known_host (
    host          TEXT        PRIMARY KEY,
    key_type      TEXT        NOT NULL,
    fingerprint   TEXT        NOT NULL,
    public_key    TEXT        NOT NULL,
    first_address TEXT        NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
