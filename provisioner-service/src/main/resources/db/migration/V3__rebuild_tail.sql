-- The last output lines of the saga's latest rebuild (a JSON array), so RebuildSucceeded and a later failure carry
-- them also when the provisioner restarted between the rebuild and its confirmation.
ALTER TABLE saga ADD COLUMN rebuild_tail TEXT;
