package dev.fleetplane.pvesim.console;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The simulator's side of the nodes' {@code qm terminal}: a listener on 127.0.0.1 that the {@code qm} script on a
 * node's sshd PATH connects to (bash's {@code /dev/tcp}), so an SSH session reaches the same {@link SerialLine} a
 * termproxy session does.
 *
 * <p>It also answers the nodes' {@code pvesh} stand-in ({@link PveshRequest}): the request line {@code pvesh TAB
 * arg…}, the answer {@code OK LF} and the VMs as JSON, or {@code ERR LF} and the refusal.
 *
 * <p>Hand-written protocol, because it only joins our own script to our own simulator and no library speaks it: the
 * script sends one line {@code terminal TAB node TAB vmid TAB iface-or-"-" TAB escape LF}; the endpoint answers
 * {@code OK LF}, qm's "starting serial terminal…" line and then the serial line's output for the raw bytes the script
 * forwards, or {@code ERR LF} and qm's error text (the script prints it to stderr and exits 255, as qm's {@code die}
 * does). The escape byte (qm's {@code -escape}, default {@code ^O}; socat's {@code escape=} in real qm) closes the
 * connection, which ends the script. Any local process may connect: the simulator is a test stand-in on this machine.
 */
public final class QmTerminalEndpoint implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(QmTerminalEndpoint.class.getName());
    private static final int REQUEST_DEADLINE_MILLIS = 10_000;
    private static final int MAX_REQUEST = 1024;

    private final SerialConsole console;
    private final Function<Boolean, String> vmResources;
    private final ServerSocket listener;
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();

    private QmTerminalEndpoint(SerialConsole console, Function<Boolean, String> vmResources, ServerSocket listener) {
        this.console = console;
        this.vmResources = vmResources;
        this.listener = listener;
    }

    /**
     * Listens on a free port of 127.0.0.1 until {@link #close}; {@code vmResources} renders the cluster's VMs as the
     * API's {@code /cluster/resources?type=vm} data, a JSON array (pretty when given true), for {@code pvesh}.
     */
    public static QmTerminalEndpoint start(SerialConsole console, Function<Boolean, String> vmResources)
            throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        QmTerminalEndpoint endpoint = new QmTerminalEndpoint(console, vmResources, listener);
        Thread accept = new Thread(endpoint::acceptLoop, "qm-terminal-accept");
        accept.setDaemon(true);
        accept.start();
        return endpoint;
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                open.add(socket);
                Thread session = new Thread(() -> session(socket), "qm-terminal-" + socket.getPort());
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    LOG.log(Level.WARNING, "qm terminal endpoint: accept failed", e);
                }
            }
        }
    }

    private void session(Socket socket) {
        try (socket) {
            socket.setSoTimeout(REQUEST_DEADLINE_MILLIS);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String request = requestLine(in);
            if (request == null) {
                return;
            }
            if (request.startsWith("pvesh\t") || request.equals("pvesh")) {
                pvesh(out, request);
                return;
            }
            QmTerminalRequest.Parsed parsed = QmTerminalRequest.parse(request);
            if (parsed.error() != null) {
                refuse(out, parsed.error());
                return;
            }
            QmTerminalRequest req = parsed.request();
            SerialConsole.Attach attach = console.attach(req.node(), req.vmid(), req.iface());
            if (attach.refused()) {
                refuse(out, attach.refusal());
                return;
            }
            socket.setSoTimeout(0);
            out.write(("OK\n" + SerialConsole.starting(attach.iface(), req.escape())).getBytes(StandardCharsets.UTF_8));
            out.flush();
            Runnable release = console.hold(req.vmid(), socket);
            try {
                bridge(in, out, attach.line(), req.escape());
            } finally {
                release.run();
            }
        } catch (SocketTimeoutException e) {
            LOG.fine("qm terminal endpoint: no request line in time");
        } catch (SocketException e) {
            // the script went away (the SSH session ended) or the simulator is closing
        } catch (IOException e) {
            LOG.log(Level.WARNING, "qm terminal endpoint: session failed", e);
        } finally {
            open.remove(socket);
        }
    }

    private static void bridge(InputStream in, OutputStream out, SerialLine line, int escape) throws IOException {
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            int end = n;
            boolean quit = false;
            for (int i = 0; i < n && escape != 0; i++) {
                if ((buffer[i] & 0xff) == escape) {
                    end = i;
                    quit = true;
                    break;
                }
            }
            if (end > 0) {
                out.write(line.type(Arrays.copyOf(buffer, end)));
                out.flush();
            }
            if (quit) {
                return; // closing the connection ends the script, as socat ends on its escape
            }
        }
    }

    private void pvesh(OutputStream out, String request) throws IOException {
        PveshRequest.Parsed parsed = PveshRequest.parse(request);
        if (parsed.error() != null) {
            refuse(out, parsed.error());
            return;
        }
        out.write(("OK\n" + vmResources.apply(parsed.request().pretty()) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void refuse(OutputStream out, String message) throws IOException {
        out.write(("ERR\n" + message + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String requestLine(InputStream in) throws IOException {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                return s.toString(StandardCharsets.UTF_8);
            }
            if (s.size() >= MAX_REQUEST) {
                return null;
            }
            s.write(b);
        }
        return null;
    }

    /** Stops listening and ends every session. */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // best effort
        }
        for (Closeable c : open) {
            try {
                c.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
