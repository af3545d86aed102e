-- Which provisioner replica runs a saga's worker step (rebuild, probe, integration) and until when it has promised
-- to renew. A step whose lease has run out belongs to no one: a live replica takes it over and resumes it.
CREATE TABLE step_lease (
    host  TEXT        PRIMARY KEY,
    owner TEXT        NOT NULL,
    until TIMESTAMPTZ NOT NULL
);
