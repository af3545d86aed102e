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
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new CliException("port " + port + " for " + part + " is already in use on 127.0.0.1 "
                    + "(choose another with its --*-port option, or stop what holds it)");
        }
    }
}
