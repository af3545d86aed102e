package dev.fleetplane.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A persistent stack started right after its owner was killed: the old broker and PostgreSQL may still be shutting
 * down on the same data (each holds a lock on it). Waiting for them is better than failing on their locks.
 */
final class PreviousRun {

    static final String BROKER_PID = "broker.pid";

    private PreviousRun() {
    }

    static void awaitGone(Path workDir, Duration timeout) {
        awaitGone("Kafka broker", pid(workDir.resolve("kafka").resolve(BROKER_PID)), "BrokerMain", workDir, timeout);
        awaitGone("PostgreSQL", pid(workDir.resolve("postgres").resolve("data").resolve("postmaster.pid")),
                "postgres", workDir, timeout);
    }

    private static void awaitGone(String what, Optional<Long> pid, String commandWord, Path workDir, Duration timeout) {
        if (pid.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running(pid.get(), commandWord)) {
            if (System.nanoTime() > deadline) {
                throw new LocalStackException("the " + what + " of a previous stack (pid " + pid.get() + ") still runs on "
                        + workDir + " after " + timeout.toSeconds() + " s: stop it (kill " + pid.get() + ") and start again");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while waiting for the previous " + what + " to stop", e);
            }
        }
    }

    /** Only a process that still runs that program: the pid may have been reused since. */
    private static boolean running(long pid, String commandWord) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> h.info().commandLine().or(() -> h.info().command()).map(c -> c.contains(commandWord)).orElse(true))
                .orElse(false);
    }

    private static Optional<Long> pid(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String first = Files.readString(file).lines().findFirst().orElse("").strip();
            return first.matches("\\d+") ? Optional.of(Long.parseLong(first)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
