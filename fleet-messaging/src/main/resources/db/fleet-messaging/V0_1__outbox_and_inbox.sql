-- fleet-messaging's tables, created in each service's own schema. Versions 0.x belong to this
-- library; services number their own migrations from 1 (quarkus.flyway.out-of-order=true lets both grow).

-- Transactional outbox: written in the same transaction as the state change it announces,
-- published to Kafka in seq order by OutboxRelay, deleted once the broker acknowledged it.
CREATE TABLE outbox (
    seq            BIGSERIAL PRIMARY KEY,
    event_id       TEXT        NOT NULL UNIQUE,
    topic          TEXT        NOT NULL,
    kafka_key      TEXT,
    type           TEXT        NOT NULL,
    source         TEXT        NOT NULL,
    subject        TEXT,
    time           TIMESTAMPTZ NOT NULL,
    correlation_id TEXT,
    causation_id   TEXT,
    data           JSONB       NOT NULL
);

-- Idempotent inbox: one row per (consumer, event id) handled, inserted with the effect.
CREATE TABLE processed_event (
    consumer     TEXT        NOT NULL,
    event_id     TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
