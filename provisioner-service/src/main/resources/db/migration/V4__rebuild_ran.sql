-- The command line of the saga's latest rebuild as it ran (on the guest, or from the operator's checkout with its
-- --target-host user and address), for RebuildSucceeded after the confirmation, also across a restart.
ALTER TABLE saga ADD COLUMN rebuild_ran TEXT;
