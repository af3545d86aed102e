package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fleetplane.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final Instant NOW = Instant.parse("2026-12-07T15:00:00Z");

    private static ConsumerRecord<String, byte[]> record() {
        ConsumerRecord<String, byte[]> r = new ConsumerRecord<>(Topics.PVE_COMMANDS, 3, 42L, "web-1",
                "{}".getBytes(StandardCharsets.UTF_8));
        r.headers().add("ce_id", "e-1".getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static String header(ProducerRecord<String, byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aHandlerFailure_carriesTheWholeContract() {
        DeadLetter letter = DeadLetter.failed("proxmox-adapter", 5, new IllegalStateException("boom"), NOW);

        ProducerRecord<String, byte[]> out = letter.copyOf(record());

        assertEquals("pve.commands.dlq", out.topic());
        assertEquals("web-1", out.key());
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), out.value());
        assertEquals("e-1", header(out, "ce_id"));
        assertEquals("handler failed after 5 attempts: java.lang.IllegalStateException: boom",
                header(out, Topics.DLQ_REASON_HEADER));
        assertEquals("proxmox-adapter", header(out, Topics.DLQ_CONSUMER_HEADER));
        assertEquals("pve.commands-3@42", header(out, Topics.DLQ_ORIGIN_HEADER));
        assertEquals("5", header(out, Topics.DLQ_ATTEMPTS_HEADER));
        assertEquals("java.lang.IllegalStateException", header(out, Topics.DLQ_EXCEPTION_HEADER));
        assertEquals("2026-12-07T15:00:00Z", header(out, Topics.DLQ_FAILED_AT_HEADER));
    }

    @Test
    void aRefusedRecord_wasNeverHandled_andHasNoException() {
        ProducerRecord<String, byte[]> out = DeadLetter.refused("planner", "not a CloudEvent", NOW).copyOf(record());

        assertEquals("0", header(out, Topics.DLQ_ATTEMPTS_HEADER));
        assertNull(header(out, Topics.DLQ_EXCEPTION_HEADER));
        assertEquals("not a CloudEvent", header(out, Topics.DLQ_REASON_HEADER));
    }

    @Test
    void aReplayedDeadLetter_carriesOnlyItsNewTripsHeaders() {
        ConsumerRecord<String, byte[]> replayed = record();
        replayed.headers().add(Topics.DLQ_REASON_HEADER, "old".getBytes(StandardCharsets.UTF_8));
        replayed.headers().add(Topics.DLQ_ATTEMPTS_HEADER, "3".getBytes(StandardCharsets.UTF_8));

        ProducerRecord<String, byte[]> out = DeadLetter.refused("planner", "new", NOW).copyOf(replayed);

        List<String> reasons = new ArrayList<>();
        out.headers().headers(Topics.DLQ_REASON_HEADER).forEach(h -> reasons.add(new String(h.value(),
                StandardCharsets.UTF_8)));
        assertEquals(List.of("new"), reasons);
        assertEquals("0", header(out, Topics.DLQ_ATTEMPTS_HEADER));
    }
}
