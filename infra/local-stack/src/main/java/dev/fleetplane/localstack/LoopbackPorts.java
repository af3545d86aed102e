package dev.fleetplane.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks free loopback ports and checks that fixed ones are not taken, so a clash is reported by name. */
public final class LoopbackPorts {

    public static final String HOST = "127.0.0.1";

    private LoopbackPorts() {
    }

    /**
     * A port for {@code part}: a free one when {@code requested} is 0, else {@code requested} if nothing listens on it.
     *
     * @throws LocalStackException naming the part and the port when the fixed port is in use
     */
    public static int claim(String part, int requested) {
        if (requested == 0) {
            return free(part);
        }
        if (!isFree(requested)) {
            throw new LocalStackException(part + ": port " + requested + " on " + HOST
                    + " is already in use; stop whatever listens there, or ask for port 0 to get a free one");
        }
        return requested;
    }

    static int free(String part) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new LocalStackException(part + ": no free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Without reuse a port left in TIME_WAIT by a previous run would look busy.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
