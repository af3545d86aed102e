-- VMIDs fleetplane created, so a redelivered or repeated clone never touches a VM someone else owns.
-- The row is written BEFORE the clone call: a crash after the call still finds the VM recorded as ours.
CREATE TABLE vm_ownership (
    vmid        INTEGER     PRIMARY KEY,
    node        TEXT        NOT NULL,
    command_id  TEXT        NOT NULL,   -- the CloneVm event id
    host        TEXT,                   -- the command's subject
    upid        TEXT,                   -- the clone task, once dispatched
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Proxmox tasks in flight. Written before polling starts, deleted in the same transaction that
-- publishes the outcome, so a restarted adapter resumes exactly the tasks that have no outcome yet.
CREATE TABLE pve_task (
    id                BIGSERIAL   PRIMARY KEY,
    upid              TEXT        UNIQUE, -- null: no task to poll, wait for the VM's lock to clear instead
    node              TEXT        NOT NULL,
    vmid              INTEGER     NOT NULL,
    operation         TEXT        NOT NULL, -- clone | start
    command_event_id  TEXT        NOT NULL,
    command_type      TEXT        NOT NULL,
    host              TEXT,                 -- the command's subject
    kafka_key         TEXT,                 -- the command's Kafka key, reused for the outcome
    correlation_id    TEXT,
    details           JSONB       NOT NULL DEFAULT '{}',
    deadline          TIMESTAMPTZ NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    polled_at         TIMESTAMPTZ
);
CREATE INDEX pve_task_polled ON pve_task (polled_at NULLS FIRST);
