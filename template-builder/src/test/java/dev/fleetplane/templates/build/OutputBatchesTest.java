package dev.fleetplane.templates.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OutputBatchesTest {

    @Test
    void linesAreBatched_cut_andBoundedByTheBudget() {
        OutputBatches b = new OutputBatches(10, 2, 3);
        assertNull(b.add("one"));
        OutputBatches.Batch first = b.add("a line much longer than ten");
        assertEquals(1, first.seq());
        assertEquals("a line muc …(cut)", first.lines().get(1));
        assertNull(b.add("three"));
        assertNull(b.add("four: over the budget"));
        assertNull(b.add("five"));
        OutputBatches.Batch last = b.flush();
        assertEquals(2, last.seq());
        assertEquals(java.util.List.of("three"), last.lines());
        assertEquals(2, last.dropped());
        assertNull(b.flush());
        assertEquals("five", b.tail().get(b.tail().size() - 1), "the tail keeps the last lines, dropped or not");
    }

    @Test
    void droppedLinesAlone_stillEndInABatch() {
        OutputBatches b = new OutputBatches(80, 1, 1);
        assertEquals(1, b.add("kept").seq());
        assertNull(b.add("dropped"));
        OutputBatches.Batch end = b.flush();
        assertTrue(end.lines().isEmpty());
        assertEquals(1, end.dropped());
    }
}
