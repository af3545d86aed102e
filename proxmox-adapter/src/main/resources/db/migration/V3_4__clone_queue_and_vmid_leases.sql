-- Clones wait in pve_task as operation 'clone-queued' until a per-node / per-storage slot is free, then become
-- 'clone-dispatching' (the POST is in flight) and 'clone' (UPID known). A retried dispatch waits until not_before.
ALTER TABLE pve_task ADD COLUMN not_before TIMESTAMPTZ;
CREATE INDEX pve_task_operation_node ON pve_task (operation, node);

-- VMIDs the adapter handed out from its configured range (templates, smoke-test clones). The primary key makes a
-- VMID reservable once across all adapter replicas; rows expire when nobody used them.
CREATE TABLE vmid_lease (
    vmid         INTEGER     PRIMARY KEY,
    holder       TEXT        NOT NULL,   -- what it is for (command id, "template nixos-25.05", ...)
    reserved_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ NOT NULL
);
