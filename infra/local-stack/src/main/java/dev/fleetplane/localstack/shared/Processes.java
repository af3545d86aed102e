package dev.fleetplane.localstack.shared;

import java.util.Optional;

/** Identifies a process by pid and start time, so that a recycled pid is not mistaken for the process it named. */
final class Processes {

    static final long UNKNOWN_START = 0;

    private Processes() {
    }

    static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(UNKNOWN_START);
    }

    static boolean alive(long pid, long startMillis) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        long actual = startMillis(process.get());
        return startMillis == UNKNOWN_START || actual == UNKNOWN_START || actual == startMillis;
    }
}
