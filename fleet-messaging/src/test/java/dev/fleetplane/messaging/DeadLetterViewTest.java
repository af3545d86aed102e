package dev.fleetplane.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLetterViewTest {

    private static final Instant NOW = Instant.parse("2026-12-07T15:00:00Z");

    /** A record as it sits on the DLQ: what {@link DeadLetter#copyOf} wrote, read back at offset 7. */
    private static ConsumerRecord<String, byte[]> onTheDlq(DeadLetter letter, byte[] value) {
        ConsumerRecord<String, byte[]> original = new ConsumerRecord<>(Topics.PVE_EVENTS, 2, 40L, "web-1", value);
        original.headers().add("ce_type", "fleetplane.vm.started.v1".getBytes(StandardCharsets.UTF_8));
        original.headers().add("ce_id", "e-9".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> copy = letter.copyOf(original);
        ConsumerRecord<String, byte[]> read = new ConsumerRecord<>(copy.topic(), 0, 7L, copy.key(), copy.value());
        for (Header h : copy.headers()) {
            read.headers().add(h);
        }
        return read;
    }

    @Test
    void theDeadLetterHeaders_andTheCloudEventsTypeAndId_areDecoded() {
        DeadLetter letter = DeadLetter.failed("planner", 5, new IllegalStateException("boom"), NOW);
        DeadLetterView v = DeadLetterView.of(onTheDlq(letter, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));

        assertEquals("pve.events.dlq", v.topic());
        assertEquals(0, v.partition());
        assertEquals(7L, v.offset());
        assertEquals("web-1", v.key());
        assertEquals("handler failed after 5 attempts: java.lang.IllegalStateException: boom", v.reason());
        assertEquals("planner", v.consumer());
        assertEquals("pve.events-2@40", v.origin());
        assertEquals(5, v.attempts());
        assertEquals("java.lang.IllegalStateException", v.exception());
        assertEquals("2026-12-07T15:00:00Z", v.failedAt());
        assertEquals("fleetplane.vm.started.v1", v.eventType());
        assertEquals("e-9", v.eventId());
        assertEquals("{\"a\":1}", v.preview());
    }

    @Test
    void aRecordWithoutHeaders_orWithGarbageInThem_decodesToNulls() {
        ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("fleet.desired.dlq", 0, 0L, null, null);
        r.headers().add(Topics.DLQ_ATTEMPTS_HEADER, "many".getBytes(StandardCharsets.UTF_8));
        DeadLetterView v = DeadLetterView.of(r);
        assertNull(v.key());
        assertNull(v.reason());
        assertNull(v.attempts(), "not a number: no attempts");
        assertNull(v.eventType());
        assertNull(v.preview());
        DeadLetterView refused = DeadLetterView.of(onTheDlq(DeadLetter.refused("planner", "not a CloudEvent", NOW),
                new byte[0]));
        assertEquals(0, refused.attempts());
        assertNull(refused.exception());
        assertEquals("", refused.preview());
    }

    @Test
    void thePreview_replacesInvalidUtf8AndControlCharacters_keepsNewlinesAndTabs() {
        byte[] garbage = {'o', 'k', '\n', '\t', 0x00, 0x1b, '[', '3', '1', 'm', (byte) 0xff, (byte) 0xc3, (byte) 0xa9,
            '\r', 0x7f};
        assertEquals("ok\n\t\uFFFD\uFFFD[31m\uFFFDé\uFFFD\uFFFD", DeadLetterView.text(garbage, 100));
        // a right-to-left override would turn the rest of a line around on the page
        assertEquals("a\uFFFDb", DeadLetterView.text("a\u202Eb".getBytes(StandardCharsets.UTF_8), 100));
    }

    @Test
    void thePreview_isCutAt2KiB_evenInsideACharacter() {
        byte[] big = "é".repeat(3000).getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("pve.events.dlq", 0, 1L, "k", big);
        String preview = DeadLetterView.of(r).preview();
        assertTrue(preview.endsWith("…"), preview.substring(preview.length() - 3));
        assertEquals(DeadLetterView.PREVIEW_BYTES / 2 + 1, preview.length());
        assertEquals("ab\uFFFD…", DeadLetterView.text(new byte[] {'a', 'b', (byte) 0xc3, (byte) 0xa9}, 3),
                "a character cut at the limit is replaced, and the cut shown");
    }
}
