package dev.fleetplane.provisioner.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputEventsTest {

    record Batch(int seq, List<String> lines, long droppedBefore) {
    }

    @Test
    void lines_goOutInBatchesInOrder_andThoseBeyondTheLastBatchAreOnlyCounted() {
        List<Batch> sent = new ArrayList<>();
        OutputEvents out = new OutputEvents(3, 2, (seq, lines, dropped) -> sent.add(new Batch(seq, lines, dropped)));

        for (int i = 1; i <= 10; i++) {
            out.line("line " + i);
        }
        out.finish();

        assertEquals(List.of(new Batch(1, List.of("line 1", "line 2", "line 3"), 0),
                new Batch(2, List.of("line 4", "line 5", "line 6"), 0)), sent);
        assertEquals(4, out.dropped());
    }

    @Test
    void finish_sendsTheShortLastBatch() {
        List<Batch> sent = new ArrayList<>();
        OutputEvents out = new OutputEvents(50, 10, (seq, lines, dropped) -> sent.add(new Batch(seq, lines, dropped)));

        out.line("building the system configuration...");
        out.finish();

        assertEquals(List.of(new Batch(1, List.of("building the system configuration..."), 0)), sent);
    }

    @Test
    void aBatchThatCannotBePublished_isCountedAsDropped_andTheRebuildGoesOn() {
        OutputEvents out = new OutputEvents(1, 10, (seq, lines, dropped) -> {
            throw new IllegalStateException("database away");
        });

        out.line("a");
        out.line("b");

        assertEquals(2, out.dropped());
    }
}
