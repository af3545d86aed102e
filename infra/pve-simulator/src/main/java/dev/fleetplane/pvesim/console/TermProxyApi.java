package dev.fleetplane.pvesim.console;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.qemu.Inventory;
import dev.fleetplane.pvesim.qemu.QemuVm;
import dev.fleetplane.pvesim.task.Task;
import dev.fleetplane.pvesim.task.TaskFailure;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST …/termproxy} and {@code GET …/vncwebsocket}: a real termproxy stand-in. Each session listens on a
 * free port 5900–5999 of 127.0.0.1, waits 10 s for a connection and 10 s for the {@code user:ticket\n} line,
 * answers {@code OK} and then plays {@code qm terminal -escape 0}: its refusals (§5.1) or "starting serial terminal
 * on interface serialN" followed by the VM's {@link SerialLine} ({@code 0:len:data} is typed into it; {@code
 * 1:cols:rows:} is logged and {@code 2} ignored). The session is a {@code vncproxy} task that ends when the connection
 * closes.
 */
public final class TermProxyApi implements AutoCloseable {

    static final Duration CONNECT_DEADLINE = Duration.ofSeconds(10);
    static final Duration AUTH_DEADLINE = Duration.ofSeconds(10);
    private static final int FIRST_PORT = 5900;
    private static final int LAST_PORT = 5999;

    private final Inventory inventory;
    private final TaskRunner tasks;
    private final SerialConsole console;
    private final VncTickets tickets = new VncTickets();
    private final java.util.Set<java.io.Closeable> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public TermProxyApi(Inventory inventory, TaskRunner tasks, SerialConsole console) {
        this.inventory = inventory;
        this.tasks = tasks;
        this.console = console;
    }

    public void register(ApiRouter router) {
        router.add("POST", "/nodes/{node}/qemu/{vmid}/termproxy", this::termproxy)
                .add("GET", "/nodes/{node}/qemu/{vmid}/vncwebsocket", this::vncwebsocket);
    }

    private Object termproxy(ApiCall call) {
        call.allowOnly("serial");
        String serial = call.opt("serial").orElse(null);
        if (serial != null && !serial.matches("serial[0-3]")) {
            call.error("serial", "value '" + serial + "' does not have a value in the enumeration 'serial0, serial1, serial2, serial3'");
        }
        call.check();
        String node = call.path("node");
        int vmid = Integer.parseInt(call.path("vmid"));
        String iface = serial;
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, vmid); // only existence: qm terminal checks the rest in the stream
            Object vga = vm.config().get("vga");
            if (iface == null && vga != null && vga.toString().split(",")[0].matches("serial[0-3]")) {
                iface = vga.toString().split(",")[0];
            }
        }
        ServerSocket listener = bindFreePort();
        open.add(listener);
        int port = listener.getLocalPort();
        String path = "/vms/" + vmid;
        String ticket = tickets.issue(call.user(), path, port);
        String user = call.user();
        String chosen = iface;
        // A session lasts as long as its connection: always on a worker thread, even with zero task durations.
        Task task = tasks.submit(node, "vncproxy", Integer.toString(vmid), user, Duration.ofMillis(1),
                t -> session(t, listener, user, path, port, node, vmid, chosen));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", user);
        out.put("ticket", ticket);
        out.put("port", Integer.toString(port)); // Perl interpolates it into the command line: a JSON string
        out.put("upid", task.upid().encode());
        return out;
    }

    /** Checks the VNC ticket as the handler does before pveproxy upgrades; answers {@code {port}}. */
    private Object vncwebsocket(ApiCall call) {
        call.allowOnly("port", "vncticket");
        Integer port = call.requireInt("port", FIRST_PORT, LAST_PORT);
        String ticket = call.require("vncticket");
        call.check();
        String path = "/vms/" + call.path("vmid");
        synchronized (inventory) {
            inventory.vm(call.path("node"), Integer.parseInt(call.path("vmid")));
        }
        if (!tickets.valid(ticket, call.user(), path, port)) {
            throw ApiException.of(403, "Permission check failed (" + path + ", VM.Console)");
        }
        return Map.of("port", Integer.toString(port));
    }

    private static ServerSocket bindFreePort() {
        for (int port = FIRST_PORT; port <= LAST_PORT; port++) {
            ServerSocket s = null;
            try {
                s = new ServerSocket();
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return s;
            } catch (IOException busy) {
                try {
                    if (s != null) {
                        s.close();
                    }
                } catch (IOException ignored) {
                    // nothing bound
                }
            }
        }
        throw ApiException.internal("unable to find free port (" + FIRST_PORT + "-" + LAST_PORT + ")");
    }

    private int session(Task t, ServerSocket listener, String user, String path, int port, String node, int vmid,
                        String iface) throws Exception {
        Socket socket;
        try (listener) {
            listener.setSoTimeout((int) CONNECT_DEADLINE.toMillis());
            socket = listener.accept();
            open.add(socket);
        } catch (SocketTimeoutException e) {
            throw new TaskFailure("connection timed out");
        } catch (java.net.SocketException e) {
            throw new TaskFailure("interrupted by signal"); // the simulator closed the listener
        } finally {
            open.remove(listener);
        }
        try (socket) {
            socket.setSoTimeout((int) AUTH_DEADLINE.toMillis());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String line;
            try {
                line = authLine(in);
            } catch (SocketTimeoutException e) {
                throw new TaskFailure("timed out waiting for the authentication line");
            }
            int colon = line == null ? -1 : line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).equals(user)
                    || !tickets.valid(line.substring(colon + 1), user, path, port)) {
                throw new TaskFailure("authentication failed");
            }
            socket.setSoTimeout(0);
            out.write("OK".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            SerialConsole.Attach attach = console.attach(node, vmid, iface);
            if (attach.refused()) {
                out.write((attach.refusal() + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                return 0;
            }
            out.write(SerialConsole.starting(attach.iface(), 0).getBytes(StandardCharsets.UTF_8));
            out.flush();
            SerialLine serial = attach.line();
            Runnable release = console.hold(vmid, socket);
            try {
                new TermProtocol(in, data -> {
                    out.write(serial.type(data));
                    out.flush();
                }, (cols, rows) -> t.log("resize " + cols + "x" + rows)).run();
            } finally {
                release.run();
            }
            return 0;
        } catch (java.net.SocketException e) {
            return 0; // the client reset the connection: the session is over
        } finally {
            open.remove(socket);
        }
    }

    /** Ends every session and listener (the simulator is closing). */
    @Override
    public void close() {
        for (java.io.Closeable c : open) {
            try {
                c.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** Reads {@code user:ticket\n}; null if the connection closes first. */
    private static String authLine(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                return s.toString();
            }
            if (s.length() > 4096) {
                return null;
            }
            s.append((char) b);
        }
        return null;
    }
}
