-- Each dead letter is replayed at most once from the dashboard (or its REST call): the row is written before the
-- record is sent back to its topic, so a second replay of the same record is refused naming who did the first.
CREATE TABLE dead_letter_replay (
    dlq_topic       TEXT        NOT NULL,
    kafka_partition INTEGER     NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    replayed_by     TEXT        NOT NULL,
    replayed_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (dlq_topic, kafka_partition, kafka_offset)
);
