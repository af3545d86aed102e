-- One row per viewer of a console (one WebSocket): who, from where, how much each way, when it held the keyboard.
CREATE TABLE viewer_session (
    session_id   uuid PRIMARY KEY,
    console_id   uuid        NOT NULL,
    host         text        NOT NULL,
    node         text        NOT NULL,
    vmid         integer     NOT NULL,
    operator     text        NOT NULL,
    client       text        NOT NULL,
    backend      text        NOT NULL,
    access       text        NOT NULL CHECK (access IN ('read', 'write')),
    opened_at    timestamptz NOT NULL,
    closed_at    timestamptz,
    bytes_in     bigint      NOT NULL DEFAULT 0,
    bytes_out    bigint      NOT NULL DEFAULT 0,
    write_lock   jsonb       NOT NULL DEFAULT '[]',
    close_reason text
);
CREATE INDEX viewer_session_opened ON viewer_session (opened_at DESC);
CREATE INDEX viewer_session_host ON viewer_session (host, opened_at DESC);
CREATE INDEX viewer_session_console ON viewer_session (console_id);

-- The optional transcript of a console (one opening of a VM's line): input and output in order, secrets redacted.
CREATE TABLE transcript (
    console_id uuid        NOT NULL,
    seq        integer     NOT NULL,
    at         timestamptz NOT NULL,
    stream     text        NOT NULL CHECK (stream IN ('in', 'out')),
    operator   text,
    data       text        NOT NULL,
    PRIMARY KEY (console_id, seq)
);
