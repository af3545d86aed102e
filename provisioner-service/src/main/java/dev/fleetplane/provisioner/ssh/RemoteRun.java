package dev.fleetplane.provisioner.ssh;

import java.time.Duration;

/** How a command that started on a guest ended. */
public sealed interface RemoteRun {

    Duration duration();

    /** The command exited with {@code status}. */
    record Exited(int status, Duration duration) implements RemoteRun {
    }

    /** The command was killed by a signal. */
    record Signalled(String signal, Duration duration) implements RemoteRun {
    }

    /** The command ran past its time limit and was cut off. */
    record TimedOut(Duration duration) implements RemoteRun {
    }

    /** The SSH connection broke while the command ran (a guest whose network restarted, for one). */
    record ConnectionLost(String reason, Duration duration) implements RemoteRun {
    }
}
