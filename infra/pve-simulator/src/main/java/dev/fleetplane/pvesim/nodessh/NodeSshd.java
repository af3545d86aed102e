package dev.fleetplane.pvesim.nodessh;

import dev.fleetplane.pvesim.guest.Sshd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One node's SSH server: a real {@code sshd} on 127.0.0.1 and a free port, with its own ed25519 host key, {@code root}
 * logging in with one public key only, and SFTP through {@code internal-sftp}. Runs from {@link #start} until
 * {@link #close}; started and stopped through {@link Sshd}, as the loopback guests' servers are.
 *
 * <p>{@code qm} on the session's PATH (the server's {@code bin/}, first) is a stand-in that runs only {@code qm
 * terminal}, bridged to the simulator's serial lines through the 127.0.0.1 port it is given (see
 * {@code console.QmTerminalEndpoint}); every other command is this machine's.
 *
 * <p>Sessions are not confined (no {@code ChrootDirectory}: sshd refuses a chroot under the world-writable
 * {@code /tmp}); the client is told the dump directory's real path instead, so a shell command on the "node" runs on
 * this machine as root, as a loopback guest's does.
 */
public final class NodeSshd implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final String USER = "root";
    private static final int PORT_ATTEMPTS = 3;
    private static final String QM_SCRIPT = "/dev/fleetplane/pvesim/nodessh/qm.sh";
    private static final String PVESH_SCRIPT = "/dev/fleetplane/pvesim/nodessh/pvesh.sh";

    private final String node;
    private final Path dir;
    private final Path config;
    private final NodeSshEndpoint endpoint;
    private Process process; // guarded by this; null once closed

    private NodeSshd(String node, Path dir, Path config, Process process, NodeSshEndpoint endpoint) {
        this.node = node;
        this.dir = dir;
        this.config = config;
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Lays out {@code dir} (host key, authorized_keys, sshd_config), creates {@code dumpDir} and starts the server;
     * writes the {@code qm} stand-in talking to {@code qmTerminalPort}; returns once it accepts connections. A port
     * taken between choosing and binding it is retried.
     */
    public static NodeSshd start(String node, Path dir, Path dumpDir, String authorizedKey, Path sshd, Path sshKeygen,
                                 int qmTerminalPort) throws IOException, InterruptedException {
        String what = "node " + node;
        if (!Files.isExecutable(sshd)) {
            throw new IOException("cannot start the SSH server of " + what + ": " + sshd
                    + " is not installed (apt-get install openssh-server)");
        }
        Files.createDirectories(dir);
        Files.createDirectories(dumpDir);
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        Sshd.generateKey(sshKeygen, hostKey, "root@" + node, what);
        Path authorizedKeys = dir.resolve("authorized_keys");
        Files.writeString(authorizedKeys, authorizedKey + "\n");
        String fingerprint = Sshd.fingerprint(dir.resolve("ssh_host_ed25519_key.pub"));
        Path bin = writeQm(dir, node, qmTerminalPort);
        Path config = dir.resolve("sshd_config");
        IOException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = freePort();
            Files.writeString(config, config(port, hostKey, authorizedKeys, bin));
            try {
                Process process = Sshd.start(sshd, config, dir.resolve("sshd.log"), HOST, port, what);
                return new NodeSshd(node, dir, config, process,
                        new NodeSshEndpoint(node, HOST, port, USER, fingerprint, dumpDir));
            } catch (IOException e) {
                last = e; // most likely someone took the port between freePort() and sshd's bind
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    private static Path writeQm(Path dir, String node, int qmTerminalPort) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        writeScript(bin.resolve("qm"), QM_SCRIPT, node, qmTerminalPort);
        writeScript(bin.resolve("pvesh"), PVESH_SCRIPT, node, qmTerminalPort);
        return bin;
    }

    private static void writeScript(Path target, String resource, String node, int port) throws IOException {
        String script;
        try (InputStream in = Objects.requireNonNull(NodeSshd.class.getResourceAsStream(resource), resource)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(target, script.replace("@NODE@", "'" + node.replace("'", "'\\''") + "'")
                .replace("@PORT@", Integer.toString(port)), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static String config(int port, Path hostKey, Path authorizedKeys, Path bin) {
        return "# sshd of a pve-simulator node\n"
                + "Port " + port + "\n"
                + "ListenAddress " + HOST + "\n"
                + "HostKey \"" + hostKey + "\"\n"
                + "PidFile none\n"
                + "AuthorizedKeysFile \"" + authorizedKeys + "\"\n"
                + "AllowUsers " + USER + "\n"
                + "PermitRootLogin prohibit-password\n"
                + "PubkeyAuthentication yes\n"
                + "PasswordAuthentication no\n"
                + "KbdInteractiveAuthentication no\n"
                + "UsePAM no\n"
                // the key file lies in the simulator's work directory, not in root's home with sshd's modes
                + "StrictModes no\n"
                + "PrintMotd no\n"
                + "PrintLastLog no\n"
                + "Subsystem sftp internal-sftp\n"
                // qm is the stand-in; a real node has it in /usr/sbin
                + "SetEnv PATH=" + bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n";
    }

    public NodeSshEndpoint endpoint() {
        return endpoint;
    }

    public String node() {
        return node;
    }

    /** Whether the server process still runs (false after {@link #close}). */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** The server's directory (host key, sshd_config, sshd.log). */
    public Path dir() {
        return dir;
    }

    /** Stops the server and its sessions. Idempotent. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        Sshd.stop(process, config);
        process = null;
    }
}
