package dev.fleetplane.localstack.shared;

import java.nio.file.Path;

/** A second test JVM for {@link SharedStackIT}: attaches like a module's ITs do and prints what it got. */
public final class AttachMain {

    private AttachMain() {
    }

    public static void main(String[] args) {
        Lease lease = SharedStack.attach(Path.of(args[0]), SharedStack.owner());
        System.out.println("attached: server=" + lease.serverPid() + " kafka=" + lease.endpoints().kafkaBootstrapServers());
    }
}
