package dev.fleetplane.provisioner.steps;

import dev.fleetplane.provisioner.ssh.OutputTail;
import dev.fleetplane.provisioner.ssh.RemoteRun;

/**
 * How one run of the rebuild command ended, wherever it ran.
 *
 * @param run  exit, signal, time limit or the connection dropping
 * @param tail the last output lines
 * @param ran  the command line as it ran, for {@code RebuildSucceeded}
 */
record RebuildRun(RemoteRun run, OutputTail tail, String ran) {
}
