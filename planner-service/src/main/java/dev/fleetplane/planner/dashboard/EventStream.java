package dev.fleetplane.planner.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.planner.eventlog.EventLogFeed;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One client's live event stream: first a backlog from the store (while the feed's live events are held back), then
 * the feed's events that match its filter, each as {@code id: <seq>}, {@code event: fleet-event}, {@code data:
 * <LoggedEvent JSON>}. Writes never wait for the client: at most {@code buffer} events may be unwritten, past that
 * the stream sends {@code event: overflow} with the seq to resume from and ends, so a slow reader slows no one else.
 */
final class EventStream implements EventLogFeed.Subscriber {

    static final String EVENT = "fleet-event";
    static final String OVERFLOW = "overflow";

    private static final Logger LOG = Logger.getLogger(EventStream.class);

    private final SseEventSink sink;
    private final Sse sse;
    private final ObjectMapper json;
    private final StreamFilter filter;
    private final int buffer;
    private final long keepAliveNanos;
    private final Runnable onEnd;

    private final Object lock = new Object();
    private final AtomicInteger unwritten = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Live events that arrived while the backlog was being sent; null once live. */
    private List<LoggedEvent> held = new ArrayList<>();
    private boolean heldOverflow;
    /** The seq the client has everything matching up to (the last one queued for it). */
    private long sent;
    private volatile long lastWrite = System.nanoTime();

    EventStream(SseEventSink sink, Sse sse, ObjectMapper json, StreamFilter filter, StreamConfig config,
                Runnable onEnd) {
        this.sink = sink;
        this.sse = sse;
        this.json = json;
        this.filter = filter;
        this.buffer = config.buffer();
        this.keepAliveNanos = config.keepAlive().toNanos();
        this.onEnd = onEnd;
    }

    /** Sends events read from the store (in the order given) before the stream goes live. */
    void backlog(List<LoggedEvent> events) {
        synchronized (lock) {
            for (LoggedEvent e : events) {
                if (filter.matches(e)) {
                    send(e);
                }
            }
        }
    }

    /**
     * The backlog is out and covered the log up to {@code upTo}: sends the held live events after it and follows the
     * feed from now on.
     */
    void live(long upTo) {
        synchronized (lock) {
            sent = Math.max(sent, upTo);
            List<LoggedEvent> waiting = held;
            held = null;
            if (heldOverflow) {
                overflow("more live events arrived than the stream holds while its backlog was sent");
                return;
            }
            for (LoggedEvent e : waiting) {
                if (e.seq() > sent) {
                    send(e);
                }
            }
        }
    }

    /** Ends the stream after a truncated backlog: the client resumes after {@code upTo} and gets the rest. */
    void truncated(long upTo, int max) {
        synchronized (lock) {
            sent = Math.max(sent, upTo);
            overflow("the backlog is longer than " + max + " events; resume for the rest");
        }
    }

    @Override
    public void deliver(List<LoggedEvent> events) {
        synchronized (lock) {
            if (ended.get()) {
                return;
            }
            for (LoggedEvent e : events) {
                if (!filter.matches(e)) {
                    continue;
                }
                if (held != null) {
                    if (held.size() < buffer) {
                        held.add(e);
                    } else {
                        heldOverflow = true;
                    }
                } else {
                    send(e);
                    if (ended.get()) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void tick() {
        if (ended.get()) {
            return;
        }
        if (sink.isClosed()) {
            end();
            return;
        }
        if (System.nanoTime() - lastWrite >= keepAliveNanos) {
            synchronized (lock) {
                write(sse.newEventBuilder().comment(" keep-alive").build());
            }
        }
    }

    /** Ends the stream (client gone, failure, overflow, shutdown): once. */
    void end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
            try {
                sink.close();
            } catch (RuntimeException e) {
                // the connection is already gone
            }
        }
    }

    private void send(LoggedEvent e) {
        if (ended.get()) {
            return;
        }
        if (unwritten.get() >= buffer) {
            overflow("the client read too slowly (" + buffer + " events unwritten)");
            return;
        }
        String data;
        try {
            data = json.writeValueAsString(e);
        } catch (JsonProcessingException x) {
            LOG.warnf("event %s (seq %d) cannot be written as JSON: %s; skipped", e.id(), e.seq(), x.getOriginalMessage());
            return;
        }
        sent = e.seq();
        write(sse.newEventBuilder().id(Long.toString(e.seq())).name(EVENT).mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, data).build());
    }

    private void overflow(String why) {
        if (ended.get()) {
            return;
        }
        String data = "{\"resumeAfter\":" + sent + ",\"reason\":" + quoted(why) + "}";
        CompletionStage<?> last = write(sse.newEventBuilder().id(Long.toString(sent)).name(OVERFLOW)
                .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, data).build());
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
            Runnable close = () -> {
                try {
                    sink.close();
                } catch (RuntimeException e) {
                    // already gone
                }
            };
            if (last == null) {
                close.run();
            } else {
                last.whenComplete((r, t) -> close.run());
            }
        }
    }

    private CompletionStage<?> write(OutboundSseEvent event) {
        lastWrite = System.nanoTime();
        unwritten.incrementAndGet();
        try {
            return sink.send(event).whenComplete((r, t) -> {
                unwritten.decrementAndGet();
                if (t != null) {
                    end();
                }
            });
        } catch (RuntimeException e) {
            unwritten.decrementAndGet();
            end();
            return null;
        }
    }

    private String quoted(String s) {
        try {
            return json.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            return "\"\"";
        }
    }
}
