package dev.fleetplane.provisioner.steps;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** How the steps cut a guest's output and write a duration in their reasons and log lines. Pure. */
final class StepText {

    private StepText() {
    }

    static List<String> lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
