package dev.fleetplane.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports: a free one on request, or a fixed one checked before anything starts. */
final class Ports {

    private Ports() {
    }

    /** {@code port} if it is free, a free one if {@code port} is 0; otherwise says which part wanted it. */
    static int claim(String part, int port) {
        try (Held h = hold(part, port)) {
            return h.port();
        }
    }

    /**
     * Like {@link #claim}, but the port stays bound until {@link Held#close()}: Kafka and PostgreSQL pick free ports of
     * their own while the stack starts, and a port only checked and let go could be theirs by the time the service
     * that was meant to have it binds it ("Port … seems to be in use" in a service's log, seen once in a demo).
     */
    static Held hold(String part, int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return new Held(s);
        } catch (IOException e) {
            throw new CliException("port " + port + " for " + part + " is already in use on 127.0.0.1 "
                    + "(choose another with its --*-port option, or stop what holds it)");
        }
    }

    /** A bound loopback port, released for its owner just before the owner binds it. */
    static final class Held implements AutoCloseable {
        private final ServerSocket socket;
        private final int port;

        private Held(ServerSocket socket) {
            this.socket = socket;
            this.port = socket.getLocalPort();
        }

        int port() {
            return port;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a listening socket does not fail in a way that matters here
            }
        }
    }
}
