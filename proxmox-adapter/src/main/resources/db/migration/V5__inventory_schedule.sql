-- The scheduled inventory: which replica looks next (polled_at, claimed with a conditional UPDATE, so one replica
-- polls per round), and what was last published (digest, published_at), so an unchanged fleet is not published
-- again each round but only after fleetplane.adapter.inventory.publish-unchanged-after.
CREATE TABLE inventory_schedule (
    id            SMALLINT    PRIMARY KEY CHECK (id = 1),
    polled_at     TIMESTAMPTZ,
    published_at  TIMESTAMPTZ,
    digest        TEXT
);
INSERT INTO inventory_schedule (id) VALUES (1);
