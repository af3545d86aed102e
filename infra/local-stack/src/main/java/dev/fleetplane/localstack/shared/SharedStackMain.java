package dev.fleetplane.localstack.shared;

import dev.fleetplane.localstack.LocalStack;
import dev.fleetplane.localstack.LocalStackException;
import dev.fleetplane.localstack.LocalStackOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The process behind a {@link SharedStack}: runs one {@link LocalStack} for as long as its owner (the Maven JVM)
 * lives, publishes it in a {@link Lease}, and stops it when the owner exits, however the owner ends. Should this JVM
 * itself be killed, the stack's own watchdog stops Kafka and PostgreSQL.
 *
 * <pre>java -cp ... dev.fleetplane.localstack.shared.SharedStackMain LEASE_DIR OWNER_PID</pre>
 */
public final class SharedStackMain {

    private SharedStackMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        }
        if (args.length != 2) {
            System.err.println("usage: SharedStackMain LEASE_DIR OWNER_PID");
            System.exit(2);
        }
        Path leaseDir = Path.of(args[0]);
        Optional<ProcessHandle> owner = ProcessHandle.of(Long.parseLong(args[1]));
        if (owner.isEmpty()) {
            System.err.println("shared stack: owner " + args[1] + " is already gone");
            System.exit(1);
        }
        LocalStack stack;
        try {
            stack = LocalStack.start(LocalStackOptions.defaults());
        } catch (LocalStackException e) {
            System.err.println("shared stack: " + e.getMessage());
            System.exit(1);
            return;
        }
        // Withdrawn before the stack goes, so that no test JVM attaches to a stack that is stopping.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> withdraw(leaseDir), "fleetplane-shared-stack-withdraw"));
        ProcessHandle self = ProcessHandle.current();
        new Lease(stack.endpoints(), stack.postgresPort(), stack.postgresSuperuser(), stack.postgresSuperuserPassword(), self.pid(),
                Processes.startMillis(self), stack.kafkaPid(), stack.postgresPid()).write(leaseDir);
        System.out.println("shared stack ready for owner " + args[1] + ": " + stack.endpoints());
        System.out.flush();
        owner.get().onExit().join();
        System.out.println("owner " + args[1] + " exited: stopping");
        System.out.flush();
        // The stack's own shutdown hook closes it.
        System.exit(0);
    }

    private static void withdraw(Path leaseDir) {
        try {
            Files.deleteIfExists(leaseDir.resolve(Lease.FILE));
        } catch (IOException e) {
            System.err.println("shared stack: cannot remove " + leaseDir.resolve(Lease.FILE) + ": " + e.getMessage());
        }
    }
}
