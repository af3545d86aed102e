package dev.fleetplane.provisioner.steps;

import java.util.List;

/** A step that failed for a reason the saga reports: the step's name, the reason and the output lines that show it. */
final class StepFailure extends Exception {

    final String step;
    final List<String> tail;

    StepFailure(String step, String reason, List<String> tail) {
        super(reason);
        this.step = step;
        this.tail = tail;
    }
}
