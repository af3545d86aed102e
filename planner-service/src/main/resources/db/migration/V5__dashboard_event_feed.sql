-- The dashboard (issue #14): every planner replica learns of new event-log rows at once through LISTEN/NOTIFY
-- (EventLogFeed), and the dashboard's reads per host (the newest event, the state changes, the newest inventory)
-- walk an index in log order instead of sorting a host's whole story.

CREATE INDEX event_log_subject_seq ON event_log (subject, seq);
CREATE INDEX event_log_type_seq ON event_log (type, seq);

-- One notification per inserting statement (no payload: listeners read `seq > cursor` themselves, so a lost or
-- merged notification costs nothing but a later read). Sent at commit, never for a rolled-back insert.
CREATE FUNCTION event_log_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fleetplane_event_log', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER event_log_notify AFTER INSERT ON event_log FOR EACH STATEMENT EXECUTE FUNCTION event_log_notify();
