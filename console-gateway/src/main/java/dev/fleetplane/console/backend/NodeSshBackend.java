package dev.fleetplane.console.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.console.backend.BackendException.Kind;
import dev.fleetplane.proxmox.client.ClusterVm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.DisconnectReason;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.transport.verification.FingerprintVerifier;
import net.schmizz.sshj.userauth.UserAuthException;

/**
 * The console over SSH to the Proxmox node (SSHJ), the seed's route for clusters where the gateway has no console
 * user: {@code pvesh get /cluster/resources --type vm --output-format json} to locate a VM, then, in a session with a
 * pty, {@code qm terminal <vmid> -iface serial0 -escape 0} (no escape byte: every byte typed reaches the guest). The
 * node's host key is pinned by fingerprint; the key file's contents never appear in a message.
 *
 * <p>qm's own checks decide whether the VM can give a console: it prints its refusal ("VM 101 not running",
 * "serial interface 'serial0' is not configured") and exits 255, which becomes {@code REFUSED} with that text.
 */
public final class NodeSshBackend implements ConsoleBackend {

    public static final String NAME = "node-ssh";
    static final String PVESH = "pvesh get /cluster/resources --type vm --output-format json";
    private static final int MAX_INVENTORY = 16 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where and as whom: {@code host} for a single node (and the fallback), {@code nodeHosts} per node in a cluster.
     */
    public record Settings(Optional<String> host, Map<String, String> nodeHosts, int port, String user,
                           Path identityFile, String hostKeyFingerprint, Duration connectTimeout) {

        public Settings {
            Objects.requireNonNull(host, "host");
            nodeHosts = Map.copyOf(nodeHosts);
            if (host.isEmpty() && nodeHosts.isEmpty()) {
                throw new IllegalArgumentException("node-ssh needs fleetplane.console.node-ssh.host or"
                        + " fleetplane.console.node-ssh.node-hosts.<node>");
            }
            Objects.requireNonNull(identityFile, "fleetplane.console.node-ssh.identity-file");
            Objects.requireNonNull(hostKeyFingerprint, "fleetplane.console.node-ssh.host-key-fingerprint");
        }

        /** The SSH address of {@code node}: its {@code node-hosts} entry, else {@code host}. */
        public String address(String node) throws BackendException {
            String a = nodeHosts.get(node);
            if (a != null) {
                return a;
            }
            return host.orElseThrow(() -> new BackendException(Kind.REFUSED, "node " + node + " has no SSH address:"
                    + " set fleetplane.console.node-ssh.node-hosts." + node + " (known: "
                    + String.join(", ", new TreeMap<>(nodeHosts).keySet()) + ")"));
        }

        /** Where {@code pvesh} runs: {@code host}, else the first node of {@code node-hosts} by name. */
        String inventoryAddress() {
            return host.orElseGet(() -> new TreeMap<>(nodeHosts).firstEntry().getValue());
        }
    }

    private final Settings settings;

    public NodeSshBackend(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<ConsoleTarget> locate(String host) throws BackendException {
        String address = settings.inventoryAddress();
        String where = settings.user() + "@" + address + ":" + settings.port();
        try (SSHClient ssh = connect(address)) {
            ssh.setTimeout((int) settings.connectTimeout().plusSeconds(30).toMillis());
            try (Session session = ssh.startSession()) {
                Session.Command cmd = session.exec(PVESH);
                byte[] out = readAtMost(cmd.getInputStream(), MAX_INVENTORY, "the output of '" + PVESH + "' on " + where);
                String err = new String(readAtMost(cmd.getErrorStream(), 64 * 1024, "stderr"), StandardCharsets.UTF_8);
                cmd.join(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
                Integer status = cmd.getExitStatus();
                if (status == null || status != 0) {
                    throw new BackendException(Kind.UNREACHABLE, "'" + PVESH + "' on " + where + " failed (exit status "
                            + status + "): " + err.strip());
                }
                return VmChoice.choose(host, inventory(out, where));
            }
        } catch (IOException e) {
            throw new BackendException(Kind.UNREACHABLE, "cannot list the cluster's VMs with '" + PVESH + "' on "
                    + where + ": " + e.getMessage(), e);
        }
    }

    /** The guests pvesh printed (the API's {@code /cluster/resources?type=vm} data, a JSON array). */
    static List<ClusterVm> inventory(byte[] out, String where) throws BackendException {
        try {
            JsonNode data = JSON.readTree(out);
            if (data == null || !data.isArray()) {
                throw new BackendException(Kind.PROTOCOL, "'" + PVESH + "' on " + where + " printed no JSON array");
            }
            return ClusterVm.parseList(data);
        } catch (IOException | IllegalArgumentException e) {
            throw new BackendException(Kind.PROTOCOL, "'" + PVESH + "' on " + where + " printed what is not"
                    + " Proxmox's resource list: " + e.getMessage(), e);
        }
    }

    @Override
    public BackendConnection open(ConsoleTarget target, int cols, int rows, BackendListener listener)
            throws BackendException {
        PveApiBackend.checkSize(cols, rows);
        String address = settings.address(target.node());
        return NodeSshConnection.open(connect(address), target, address, cols, rows, listener,
                settings.connectTimeout().plusSeconds(10));
    }

    /** The command the node runs: serial0, no escape byte (termproxy runs qm terminal the same way). */
    static String qmTerminal(int vmid) {
        return "qm terminal " + vmid + " -iface " + ConsoleReadiness.SERIAL + " -escape 0";
    }

    /** A logged-in SSH client to {@code address}, or the failure naming what was refused. */
    SSHClient connect(String address) throws BackendException {
        String where = settings.user() + "@" + address + ":" + settings.port();
        SSHClient ssh = new SSHClient();
        try {
            ssh.addHostKeyVerifier(FingerprintVerifier.getInstance(settings.hostKeyFingerprint()));
            ssh.setConnectTimeout((int) settings.connectTimeout().toMillis());
            try {
                ssh.connect(address, settings.port());
            } catch (TransportException e) {
                if (e.getDisconnectReason() == DisconnectReason.HOST_KEY_NOT_VERIFIABLE) {
                    throw new BackendException(Kind.UNAUTHORIZED, "the node's sshd at " + address + ":"
                            + settings.port() + " did not show the pinned host key "
                            + settings.hostKeyFingerprint() + " (fleetplane.console.node-ssh.host-key-fingerprint):"
                            + " the node was reinstalled, or this is not the node", e);
                }
                throw new BackendException(Kind.UNREACHABLE, "cannot reach the node's sshd at " + address + ":"
                        + settings.port() + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new BackendException(Kind.UNREACHABLE, "cannot reach the node's sshd at " + address + ":"
                        + settings.port() + ": " + e.getMessage(), e);
            }
            try {
                ssh.authPublickey(settings.user(), ssh.loadKeys(settings.identityFile().toString()));
            } catch (UserAuthException e) {
                throw new BackendException(Kind.UNAUTHORIZED, "the node's sshd " + where + " refused user "
                        + settings.user() + " with the key " + settings.identityFile()
                        + " (fleetplane.console.node-ssh.identity-file)", e);
            } catch (IOException e) {
                throw new BackendException(Kind.UNAUTHORIZED, "cannot log in to " + where + " with the key "
                        + settings.identityFile() + ": " + e.getMessage(), e);
            }
            return ssh;
        } catch (BackendException | RuntimeException e) {
            closeQuietly(ssh);
            throw e;
        }
    }

    static void closeQuietly(SSHClient ssh) {
        try {
            ssh.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static byte[] readAtMost(InputStream in, int limit, String what) throws IOException {
        byte[] data = in.readNBytes(limit + 1);
        if (data.length > limit) {
            throw new IOException(what + " exceeds " + limit + " bytes");
        }
        return data;
    }
}
