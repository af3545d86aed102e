-- A destroyed VM keeps its ownership row (marked), so a repeated DestroyVm for a VM that is already gone is
-- answered VmDestroyed instead of being refused as foreign; a new clone onto the VMID takes the row over.
ALTER TABLE vm_ownership ADD COLUMN destroyed_at TIMESTAMPTZ;

-- The last /config read per VM and the /cluster/resources entry it was read under (fingerprint). SyncInventory
-- reads a VM's config again only when that entry changed, the VM is new, or the row is older than the max age.
CREATE TABLE vm_config_cache (
    vmid         INTEGER     PRIMARY KEY,
    node         TEXT        NOT NULL,
    fingerprint  TEXT        NOT NULL,
    config       JSONB       NOT NULL,
    read_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
