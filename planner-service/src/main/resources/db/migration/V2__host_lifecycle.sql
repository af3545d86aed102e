-- Every action of a plan runs through the host lifecycle: what is being done (the planned change), how the
-- host came under management, the command in flight, and the queue of hosts waiting for an apply slot.
ALTER TABLE host_state ADD COLUMN change     JSONB;
ALTER TABLE host_state ADD COLUMN origin     TEXT NOT NULL DEFAULT 'created';
ALTER TABLE host_state ADD COLUMN command_id TEXT;
ALTER TABLE host_state ADD COLUMN queued_at  TIMESTAMPTZ;

UPDATE host_state SET origin = 'adopted' WHERE state = 'Adopted';

-- The scheduler counts in-flight hosts and picks the oldest pending ones of a fleet.
CREATE INDEX host_state_fleet_state ON host_state (fleet, state, queued_at);
