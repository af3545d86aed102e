package dev.fleetplane.planner.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.Json;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.planner.eventlog.LoggedEvent;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.resteasy.reactive.server.jaxrs.SseImpl;
import org.junit.jupiter.api.Test;

/** One stream's order, hand-over from backlog to live, overflow of a slow reader and keep-alives, on a recording sink. */
class EventStreamTest {

    /** A client connection: records what was sent; a slow one never finishes writing. */
    static final class Sink implements SseEventSink {
        final List<OutboundSseEvent> sent = new ArrayList<>();
        final boolean slow;
        boolean closed;

        Sink(boolean slow) {
            this.slow = slow;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            sent.add(event);
            return slow ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closed = true;
        }

        List<String> ids() {
            return sent.stream().filter(e -> e.getId() != null).map(e -> e.getName() + ":" + e.getId()).toList();
        }
    }

    static StreamConfig config(int buffer, Duration keepAlive) {
        return new StreamConfig() {
            public int streamsPerToken() {
                return 16;
            }

            public int buffer() {
                return buffer;
            }

            public Duration keepAlive() {
                return keepAlive;
            }

            public int maxBacklog() {
                return 1000;
            }
        };
    }

    static LoggedEvent event(long seq, String host) {
        return new LoggedEvent(seq, "e" + seq, "fleetplane.vm.started.v1", "/src", host,
                OffsetDateTime.parse("2026-12-07T10:00:00Z"), "c", null, "pve.events", 0, seq, null);
    }

    final AtomicInteger ended = new AtomicInteger();

    EventStream stream(Sink sink, int buffer) {
        return new EventStream(sink, SseImpl.INSTANCE, Json.MAPPER,
                new StreamFilter(null, null, null, HostScope.every()), config(buffer, Duration.ofMinutes(1)),
                ended::incrementAndGet);
    }

    @Test
    void liveEventsThatArriveDuringTheBacklog_followIt_withoutRepeats() throws Exception {
        Sink sink = new Sink(false);
        EventStream s = stream(sink, 10);
        s.deliver(List.of(event(5, "a"), event(6, "a")));
        s.backlog(List.of(event(3, "a"), event(4, "a"), event(5, "a")));
        s.live(5);
        s.deliver(List.of(event(7, "a")));
        assertEquals(List.of("fleet-event:3", "fleet-event:4", "fleet-event:5", "fleet-event:6", "fleet-event:7"),
                sink.ids());
        assertEquals("e3", Json.MAPPER.readTree((String) sink.sent.get(0).getData()).get("id").asText());
    }

    @Test
    void aSlowReader_getsAnOverflowNamingWhereToResume_andItsStreamEnds() throws Exception {
        Sink sink = new Sink(true);
        EventStream s = stream(sink, 3);
        s.live(0);
        s.deliver(List.of(event(1, "a"), event(2, "a"), event(3, "a"), event(4, "a"), event(5, "a")));
        assertEquals(List.of("fleet-event:1", "fleet-event:2", "fleet-event:3", "overflow:3"), sink.ids());
        assertEquals(3, Json.MAPPER.readTree((String) sink.sent.get(3).getData()).get("resumeAfter").asLong());
        assertEquals(1, ended.get(), "unsubscribed once");
        s.deliver(List.of(event(6, "a")));
        assertEquals(4, sink.sent.size(), "nothing after the overflow");
    }

    @Test
    void aTruncatedBacklog_endsWithAnOverflowAtItsLastEvent() {
        Sink sink = new Sink(false);
        EventStream s = stream(sink, 10);
        s.backlog(List.of(event(1, "a"), event(2, "a")));
        s.truncated(2, 2);
        assertEquals(List.of("fleet-event:1", "fleet-event:2", "overflow:2"), sink.ids());
        assertTrue(sink.closed);
    }

    @Test
    void aQuietStream_sendsAKeepAliveComment_andNoticesAClosedClient() {
        Sink sink = new Sink(false);
        EventStream s = new EventStream(sink, SseImpl.INSTANCE, Json.MAPPER,
                new StreamFilter(null, null, null, HostScope.every()), config(10, Duration.ZERO), ended::incrementAndGet);
        s.live(0);
        s.tick();
        assertEquals(" keep-alive", sink.sent.get(0).getComment());
        sink.closed = true;
        s.tick();
        assertEquals(1, ended.get());
    }
}
