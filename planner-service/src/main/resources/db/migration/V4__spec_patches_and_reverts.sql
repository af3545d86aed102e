-- A spec patch is never silently lost (issue #10): a version made by a host patch records what it changed and who
-- asked; a whole hosts file that undoes patches hosts.nix never got records which ones, and whether the push
-- allowed it (without that, an auto-approved plan of it is not applied by itself).
ALTER TABLE spec_version ADD COLUMN patch        JSONB;
ALTER TABLE spec_version ADD COLUMN requested_by TEXT;
ALTER TABLE spec_version ADD COLUMN reverts      JSONB NOT NULL DEFAULT '[]';
ALTER TABLE spec_version ADD COLUMN allow_revert BOOLEAN NOT NULL DEFAULT false;
