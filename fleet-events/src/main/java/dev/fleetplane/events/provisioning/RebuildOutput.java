package dev.fleetplane.events.provisioning;

import java.util.List;

/**
 * A batch of the rebuild's output as it runs, in order ({@code seq} from 1). Bounded: lines are cut at the
 * provisioner's maximum length and a rebuild publishes at most a configured number of batches; {@code droppedLines}
 * counts what was left out before this batch (the last batch carries the final count).
 */
public record RebuildOutput(String host, int vmid, int seq, List<String> lines, long droppedLines) {
}
