package dev.fleetplane.events.templates;

import java.util.List;

/**
 * Lines the build printed, in order ({@code seq} counts the batches from 1). Bounded: lines are cut to a maximum
 * length and a batch holds a bounded number of them; lines past the build's budget are counted in
 * {@code droppedLines} instead of published.
 */
public record TemplateBuildOutput(String template, String buildId, int seq, List<String> lines, long droppedLines) {
}
