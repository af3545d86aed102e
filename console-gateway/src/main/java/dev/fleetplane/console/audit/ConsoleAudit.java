package dev.fleetplane.console.audit;

import dev.fleetplane.console.ConsoleConfig;
import dev.fleetplane.console.backend.ConsoleTarget;
import dev.fleetplane.console.session.ConsoleSession;
import dev.fleetplane.console.session.SessionListener;
import dev.fleetplane.console.session.ViewerRecord;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.console.ConsoleSessionClosed;
import dev.fleetplane.events.console.ConsoleSessionOpened;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The audit of every console: a {@code viewer_session} row and a {@code ConsoleSessionOpened}/{@code Closed} event
 * (through the outbox, in one transaction) per viewer, and, when {@code fleetplane.console.transcript} is on, the
 * console's input and output with typed secrets redacted.
 *
 * <p>Sessions call in under their lock; the work goes to one audit thread, so the records keep the sessions' order
 * and a slow database never stalls a console. A gateway that stops with viewers on closes their rows at its next start
 * ({@link #closeLeftovers()}), so every opened session gets its closing record.
 */
@Startup
@ApplicationScoped
public class ConsoleAudit implements SessionListener {

    private static final Logger LOG = Logger.getLogger(ConsoleAudit.class);
    /** Transcript bytes held before they are written, whatever the timer says. */
    private static final int FLUSH_BYTES = 64 * 1024;
    private static final Duration FLUSH_EVERY = Duration.ofMillis(250);

    @Inject
    Database database;

    @Inject
    SessionStore store;

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    @Inject
    ConsoleConfig config;

    private ExecutorService worker;
    private java.util.concurrent.ScheduledExecutorService flusher;
    private final Map<String, Transcript> transcripts = new HashMap<>(); // guarded by this

    /** One console's pending transcript entries. */
    private static final class Transcript {
        final PasswordRedactor redactor = new PasswordRedactor();
        final List<SessionStore.Entry> pending = new ArrayList<>();
        int seq;
        int pendingBytes;
        String stream;
        String operator;
        StringBuilder text;
        Instant at;
    }

    @PostConstruct
    void start() {
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "console-audit");
            t.setDaemon(true);
            return t;
        });
        closeLeftovers();
        if (config.transcript()) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "console-transcript-flush");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushAll, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        flushAll();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("console audit: records still queued after 10 s at shutdown; they close at the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the rows of viewers the gateway had when it stopped, and tells the log. */
    void closeLeftovers() {
        int n = database.inTransaction(c -> {
            List<SessionStore.Row> open = store.unclosed(c);
            Instant now = Instant.now();
            for (SessionStore.Row r : open) {
                SessionStore.Row closed = new SessionStore.Row(r.session(), r.console(), r.host(), r.node(), r.vmid(),
                        r.operator(), r.from(), r.backend(), r.access(), r.openedAt(), now, r.bytesIn(), r.bytesOut(),
                        r.writeLock(), "the console gateway stopped before this session ended (counts unknown)");
                store.closed(c, closed);
                publishClosed(c, closed);
            }
            return open.size();
        });
        if (n > 0) {
            LOG.infof("closed %d console session(s) left open by the previous run", n);
        }
    }

    @Override
    public void viewerOpened(ConsoleSession session, ViewerRecord v) {
        SessionStore.Row row = row(session, v);
        submit("open " + v.session(), c -> {
            store.opened(c, row);
            publish(c, session.target(), EventCatalog.CONSOLE_SESSION_OPENED, new ConsoleSessionOpened(row.session(),
                    row.host(), row.node(), row.vmid(), row.operator(), row.from(), row.backend(), row.access(),
                    row.openedAt()), row.console());
        });
    }

    @Override
    public void viewerClosed(ConsoleSession session, ViewerRecord v) {
        SessionStore.Row row = row(session, v);
        submit("close " + v.session(), c -> {
            store.closed(c, row);
            publishClosed(c, row);
        });
    }

    @Override
    public void input(ConsoleSession session, String operator, byte[] bytes) {
        if (config.transcript()) {
            record(session.id(), "in", operator, bytes);
        }
    }

    @Override
    public void output(ConsoleSession session, byte[] bytes) {
        if (config.transcript()) {
            record(session.id(), "out", null, bytes);
        }
    }

    @Override
    public void closed(ConsoleSession session, String reason) {
        if (config.transcript()) {
            Transcript t;
            synchronized (this) {
                t = transcripts.remove(session.id());
            }
            if (t != null) {
                flush(session.id(), t);
            }
        }
    }

    private void record(String console, String stream, String operator, byte[] bytes) {
        boolean full;
        Transcript t;
        synchronized (this) {
            t = transcripts.computeIfAbsent(console, k -> new Transcript());
            byte[] kept;
            if ("out".equals(stream)) {
                t.redactor.output(bytes);
                kept = bytes;
            } else {
                kept = t.redactor.input(bytes);
            }
            if (kept.length == 0) {
                return;
            }
            String text = new String(kept, StandardCharsets.UTF_8);
            if (t.text != null && stream.equals(t.stream) && java.util.Objects.equals(operator, t.operator)) {
                t.text.append(text); // a run of keystrokes or output chunks is one entry
            } else {
                close(t);
                t.stream = stream;
                t.operator = operator;
                t.text = new StringBuilder(text);
                t.at = Instant.now();
            }
            t.pendingBytes += kept.length;
            full = t.pendingBytes >= FLUSH_BYTES;
        }
        if (full) {
            flush(console, t);
        }
    }

    private static void close(Transcript t) {
        if (t.text != null) {
            t.pending.add(new SessionStore.Entry(++t.seq, t.at, t.stream, t.operator, t.text.toString()));
            t.text = null;
        }
    }

    private void flushAll() {
        List<Map.Entry<String, Transcript>> all;
        synchronized (this) {
            all = new ArrayList<>(transcripts.entrySet());
        }
        for (Map.Entry<String, Transcript> e : all) {
            flush(e.getKey(), e.getValue());
        }
    }

    private void flush(String console, Transcript t) {
        List<SessionStore.Entry> batch;
        synchronized (this) {
            close(t);
            if (t.pending.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(t.pending);
            t.pending.clear();
            t.pendingBytes = 0;
        }
        submit("transcript " + console, c -> store.appendTranscript(c, console, batch));
    }

    private interface Write {
        void run(Connection c) throws SQLException;
    }

    private void submit(String what, Write write) {
        try {
            worker.execute(() -> {
                try {
                    database.inTransaction(c -> {
                        write.run(c);
                        return null;
                    });
                } catch (RuntimeException e) {
                    LOG.errorf("console audit: could not record %s: %s", what, e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.warnf("console audit: %s arrived after shutdown; it is closed at the next start", what);
        }
    }

    private void publishClosed(Connection c, SessionStore.Row r) throws SQLException {
        List<ConsoleSessionClosed.Period> periods = r.writeLock().stream()
                .map(p -> new ConsoleSessionClosed.Period(p.from(), p.to() == null ? r.closedAt() : p.to())).toList();
        publish(c, new ConsoleTarget(r.host(), r.node(), r.vmid()), EventCatalog.CONSOLE_SESSION_CLOSED,
                new ConsoleSessionClosed(r.session(), r.host(), r.node(), r.vmid(), r.operator(), r.from(), r.backend(),
                        r.openedAt(), r.closedAt(), Duration.between(r.openedAt(), r.closedAt()).toMillis(),
                        r.bytesIn(), r.bytesOut(), periods, r.closeReason()), r.console());
    }

    private <T> void publish(Connection c, ConsoleTarget target, EventKind<T> kind, T payload, String console)
            throws SQLException {
        FleetEvent e = FleetEvent.create(kind, source.uri(), target.host(), payload, console);
        outbox.append(c, Integer.toString(target.vmid()), e);
    }

    private static SessionStore.Row row(ConsoleSession s, ViewerRecord v) {
        ConsoleTarget t = s.target();
        return new SessionStore.Row(v.session(), s.id(), t.host(), t.node(), t.vmid(), v.operator(), v.from(),
                s.backendName(), v.access(), v.openedAt(), v.closedAt(), v.bytesIn(), v.bytesOut(), v.writeLock(),
                v.reason());
    }
}
