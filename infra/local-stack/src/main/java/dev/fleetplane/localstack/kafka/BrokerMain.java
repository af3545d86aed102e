package dev.fleetplane.localstack.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Entry point of the broker JVM: formats the storage, runs {@code kafka.Kafka}, and halts when the JVM that owns
 * the stack is gone (EOF on our stdin, whose only writer is the owner, or the owner's pid exits), so a SIGKILLed
 * owner never leaves a broker behind.
 *
 * <p>Arguments: {@code <server.properties> <cluster-id> <owner-pid> [keep]}; with {@code keep} (a persistent stack)
 * the broker shuts down cleanly when its owner dies, so the next start finds clean logs.
 */
public final class BrokerMain {

    /** Beside server.properties when auth is on: the {@code --add-scram} argument that creates the admin user. */
    static final String ADMIN_SCRAM_FILE = "admin.scram";

    private static final AtomicBoolean STOPPING = new AtomicBoolean();
    private static volatile boolean keepData;

    private BrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 3 && !(args.length == 4 && args[3].equals("keep"))) {
            System.err.println("usage: BrokerMain <server.properties> <cluster-id> <owner-pid> [keep]");
            System.exit(2);
        }
        keepData = args.length == 4;
        String config = args[0];
        String clusterId = args[1];
        long owner = Long.parseLong(args[2]);

        watchOwner(owner);

        var format = new java.util.ArrayList<>(List.of("format", "-t", clusterId, "-c", config, "--ignore-formatted"));
        Path scram = Path.of(config).resolveSibling(ADMIN_SCRAM_FILE);
        if (Files.exists(scram)) {
            try {
                format.add("--add-scram");
                format.add(Files.readString(scram, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                System.err.println("fleetplane: cannot read " + scram + ": " + e.getMessage());
                System.exit(2);
            }
        }
        int formatted = kafka.tools.StorageTool.execute(format.toArray(String[]::new), System.out);
        if (formatted != 0) {
            System.err.println("fleetplane: formatting the Kafka storage failed with exit code " + formatted);
            System.exit(formatted);
        }
        kafka.Kafka.main(new String[] {config});
    }

    private static void watchOwner(long owner) {
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // The owner never writes; only EOF matters.
                }
            } catch (IOException e) {
                // A broken pipe means the same as EOF.
            }
            ownerGone("stdin closed");
        }, "fleetplane-owner-stdin");
        stdin.setDaemon(true);
        stdin.start();

        ProcessHandle.of(owner).ifPresentOrElse(
                handle -> handle.onExit().thenRun(() -> ownerGone("owner pid " + owner + " exited")),
                () -> ownerGone("owner pid " + owner + " not running"));
    }

    /**
     * The owner of a throwaway stack deletes the broker's data with it, so there is nothing to shut down cleanly for:
     * halting at once frees the port and the memory soonest. Kept data gets Kafka's clean shutdown (its hook runs on
     * exit), as a clean close by SIGTERM does.
     */
    private static void ownerGone(String why) {
        if (!STOPPING.compareAndSet(false, true)) {
            return;
        }
        System.err.println("fleetplane: the stack's owner is gone (" + why + "); "
                + (keepData ? "shutting the broker down" : "halting the broker"));
        System.err.flush();
        if (keepData) {
            System.exit(0);
        }
        Runtime.getRuntime().halt(0);
    }
}
