package dev.fleetplane.pvesim.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One simulator's guest LAN: a bridge in the root namespace holding the gateway address of a free private
 * {@code 10.a.b.0/21} (2,045 leases: room for 1,000 guests that each hold a lease and a reserved next one), and the
 * "DHCP server" ({@link GuestLeases}) that leases its addresses to VMs (a lease per VM, kept across reboots; plus, per
 * VM, the address it gets after its next network restart when the IP-change fault is on).
 */
final class GuestNetwork implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GuestNetwork.class.getName());
    static final int PREFIX = 21;
    // Serialises subnet choice between simulators (in this JVM or another) until the bridge's route exists.
    private static final Path LOCK = Path.of("/run/lock/fleetplane-pvesim-net.lock");
    private static final SecureRandom RANDOM = new SecureRandom();
    // <id> -> pid of the JVM whose simulator owns bridge fpbr<id>, its veths and namespaces (for sweeping after a kill -9)
    private static final Path OWNERS = Path.of("/run/fleetplane-pvesim");

    private final String id;
    private final String bridge;
    private final long base; // the subnet's address (10.a.b.0, b a multiple of 8)
    private final GuestLeases leases = new GuestLeases(PREFIX);

    private Process watchdog;

    private GuestNetwork(String id, String bridge, long base) {
        this.id = id;
        this.bridge = bridge;
        this.base = base;
    }

    /**
     * Chooses a free subnet and an unused bridge name, creates the bridge and gives it the gateway address, and starts
     * the watchdog that removes the guests (processes, namespaces, veths, bridge) and {@code workDir} if this JVM dies
     * without closing the network.
     */
    static GuestNetwork create(Path workDir) throws IOException {
        Files.createDirectories(LOCK.getParent());
        try (FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            sweepStale();
            Set<String> links = new HashSet<>();
            for (JsonNode link : new ObjectMapper().readTree(Ip.ip("-j", "link", "show"))) {
                links.add(link.path("ifname").asText());
            }
            String id;
            do {
                id = HexFormat.of().toHexDigits((short) RANDOM.nextInt(1 << 16));
            } while (links.contains("fpbr" + id));
            long base = freeSubnet();
            String bridge = "fpbr" + id;
            Ip.ip("link", "add", bridge, "type", "bridge");
            try {
                Ip.ip("addr", "add", address(base, 1) + "/" + PREFIX, "dev", bridge);
                Ip.ip("link", "set", bridge, "up");
            } catch (IOException e) {
                Ip.quietly("link", "del", bridge);
                throw e;
            }
            Files.createDirectories(OWNERS);
            Files.writeString(OWNERS.resolve(id), ProcessHandle.current().pid() + "\n" + workDir + "\n");
            String subnet = address(base, 0) + "/" + PREFIX;
            LOG.info(() -> "guest network " + subnet + " on bridge " + bridge);
            GuestNetwork network = new GuestNetwork(id, bridge, base);
            network.watchdog = startWatchdog(id, workDir);
            return network;
        }
    }

    private static Process startWatchdog(String id, Path workDir) throws IOException {
        String script;
        try (var in = GuestNetwork.class.getResourceAsStream("guest-watchdog.sh")) {
            if (in == null) {
                throw new IOException("resource guest-watchdog.sh is missing from the simulator's jar");
            }
            script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return new ProcessBuilder("/bin/bash", "-c", script, "fleetplane-guest-watchdog",
                Long.toString(ProcessHandle.current().pid()), id, workDir == null ? "" : workDir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * What {@link #sweepStale} removes, under the same lock as a simulator choosing its subnet: for a process starting
     * after its predecessor was killed ({@code fleetplane up} after a SIGKILL). Returns a line per swept network.
     */
    static List<String> sweepLeftovers() throws IOException {
        if (!Files.isDirectory(OWNERS)) {
            return List.of();
        }
        Files.createDirectories(LOCK.getParent());
        try (FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return sweepStale();
        }
    }

    /**
     * Removes the bridges, veths and namespaces of simulators whose JVM died without its shutdown hook (kill -9), kills
     * what still ran in those namespaces and deletes their work directories; returns a line per network swept.
     */
    private static List<String> sweepStale() throws IOException {
        List<String> swept = new java.util.ArrayList<>();
        if (!Files.isDirectory(OWNERS)) {
            return swept;
        }
        List<String> namespaces = List.of(Ip.ip("netns", "list").split("\n"));
        try (var owners = Files.list(OWNERS)) {
            for (Path owner : owners.toList()) {
                String id = owner.getFileName().toString();
                List<String> lines = Files.readAllLines(owner);
                long pid;
                try {
                    pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).strip());
                } catch (NumberFormatException e) {
                    pid = -1;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                int removedNamespaces = 0;
                int killed = 0;
                for (String line : namespaces) {
                    String ns = line.split(" ")[0];
                    if (ns.startsWith("fpsim-" + id + "-")) {
                        for (String p : Ip.ip("netns", "pids", ns).split("\\s+")) {
                            if (!p.isBlank()) {
                                var process = ProcessHandle.of(Long.parseLong(p.strip()));
                                if (process.isPresent() && process.get().destroyForcibly()) {
                                    killed++;
                                }
                            }
                        }
                        Ip.quietly("netns", "del", ns);
                        removedNamespaces++;
                    }
                }
                int links = 0;
                for (JsonNode link : new ObjectMapper().readTree(Ip.ip("-j", "link", "show"))) {
                    String name = link.path("ifname").asText();
                    if (name.equals("fpbr" + id) || name.startsWith("fv" + id)) {
                        Ip.quietly("link", "del", name);
                        links++;
                    }
                }
                String removedDir = "";
                if (lines.size() > 1 && !lines.get(1).isBlank()) {
                    Path dir = Path.of(lines.get(1).strip());
                    if (dir.getFileName() != null && dir.getFileName().toString().startsWith("fleetplane-pvesim-")
                            && Files.isDirectory(dir)) {
                        // The simulator's other processes (the node's sshd) name its work directory: it is theirs.
                        String inDir = dir + "/";
                        for (ProcessHandle p : ProcessHandle.allProcesses().filter(h -> h.info().commandLine()
                                .filter(c -> c.contains(inDir)).isPresent()).toList()) {
                            if (p.destroyForcibly()) {
                                killed++;
                            }
                        }
                        FileTrees.deleteTree(dir);
                        removedDir = ", work directory " + dir;
                    }
                }
                Files.deleteIfExists(owner);
                String what = "guest network fpbr" + id + " of pid " + pid + ": " + removedNamespaces
                        + " namespace(s), " + links + " link(s), " + killed + " process(es)" + removedDir;
                swept.add(what);
                LOG.info(() -> "removed the " + what + " (its simulator is gone)");
            }
        }
        return swept;
    }

    /** The address of a {@code 10.a.b.0/21} that overlaps no route of this machine (any table). */
    private static long freeSubnet() throws IOException {
        Set<long[]> routes = new HashSet<>();
        for (JsonNode r : new ObjectMapper().readTree(Ip.ip("-4", "-j", "route", "show", "table", "all"))) {
            String dst = r.path("dst").asText();
            if (dst.isEmpty() || dst.equals("default")) {
                continue;
            }
            String[] parts = dst.split("/");
            int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : 32;
            routes.add(new long[]{toLong(parts[0]), bits});
        }
        for (int attempt = 0; attempt < 500; attempt++) {
            int a = 100 + RANDOM.nextInt(155);
            int b = RANDOM.nextInt(256 >> (24 - PREFIX)) << (24 - PREFIX);
            long candidate = toLong("10." + a + "." + b + ".0");
            boolean overlaps = routes.stream().anyMatch(r -> {
                int bits = (int) Math.min(r[1], PREFIX);
                long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
                return (r[0] & mask) == (candidate & mask);
            });
            if (!overlaps) {
                return candidate;
            }
        }
        throw new IOException("no free 10.x.y.0/" + PREFIX
                + " subnet for the guest network: every candidate overlaps a route");
    }

    /** The dotted address of host number {@code host} in the subnet at {@code base}. */
    static String address(long base, int host) {
        long v = base + host;
        return (v >> 24 & 0xFF) + "." + (v >> 16 & 0xFF) + "." + (v >> 8 & 0xFF) + "." + (v & 0xFF);
    }

    private String address(int host) {
        return address(base, host);
    }

    private static long toLong(String ipv4) {
        long v = 0;
        for (String octet : ipv4.split("\\.")) {
            v = (v << 8) | Integer.parseInt(octet);
        }
        return v;
    }

    String bridge() {
        return bridge;
    }

    String subnet() {
        return address(0) + "/" + PREFIX;
    }

    String gateway() {
        return address(1);
    }

    /** The guest's network namespace ({@code fpsim-<id>-<vmid>}). */
    String netns(int vmid) {
        return "fpsim-" + id + "-" + vmid;
    }

    /** The root-namespace end of the guest's veth pair: {@code fv<id><vmid base 36>}, at most 12 characters. */
    String hostVeth(int vmid) {
        return "fv" + id + Integer.toString(vmid, 36);
    }

    /** The VM's lease (handed out on first use, kept until the VM is destroyed or moves to its next lease). */
    String lease(int vmid) {
        return address(leases.lease(vmid));
    }

    /** The address the VM moves to at its next network restart (reserved now, like a DHCP server's next offer). */
    String nextLease(int vmid) {
        return address(leases.nextLease(vmid));
    }

    /** The guest now holds {@code address}: if that is its next lease, it becomes its lease and the old one is free. */
    boolean moved(int vmid, String address) {
        return leases.moved(vmid, host(address));
    }

    Optional<String> current(int vmid) {
        return leases.current(vmid).map(this::address);
    }

    /** The VM is destroyed: its lease and its reserved next lease are free. */
    void release(int vmid) {
        leases.release(vmid);
    }

    // The host number of an address in this subnet, or -1 when it is not in it.
    private int host(String address) {
        try {
            long v = toLong(address) - base;
            return v >= 0 && v < (1L << (32 - PREFIX)) ? (int) v : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (watchdog != null && watchdog.isAlive()) {
            try (var commands = watchdog.getOutputStream()) {
                commands.write("release\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                // gone already
            }
            try {
                if (!watchdog.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    watchdog.destroyForcibly();
                }
            } catch (InterruptedException e) {
                watchdog.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        Ip.quietly("link", "del", bridge);
        try {
            Files.deleteIfExists(OWNERS.resolve(id));
        } catch (IOException e) {
            LOG.fine(() -> "cannot remove " + OWNERS.resolve(id) + ": " + e.getMessage());
        }
    }
}
