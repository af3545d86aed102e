-- A Proxmox step that failed for a reason that may pass (a failed task, a lock timeout, a 5xx after the adapter's
-- own retries) is sent again after a backoff, up to fleetplane.planner.apply.step-attempts: which attempt the step is
-- on, and when the next is due (NULL: none waiting). Both reset whenever the host enters a new state.
ALTER TABLE host_state ADD COLUMN attempt  INT NOT NULL DEFAULT 1;
ALTER TABLE host_state ADD COLUMN retry_at TIMESTAMPTZ;

CREATE INDEX host_state_retry_at ON host_state (retry_at) WHERE retry_at IS NOT NULL;
