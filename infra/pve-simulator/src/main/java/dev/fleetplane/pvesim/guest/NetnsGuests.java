package dev.fleetplane.pvesim.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.pvesim.qemu.GuestAgentReplies;
import dev.fleetplane.pvesim.qemu.GuestBoot;
import dev.fleetplane.pvesim.qemu.GuestRuntime;
import dev.fleetplane.pvesim.task.TaskFailure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Guests that look like NixOS VMs on a DHCP LAN: each running VM is a network namespace whose {@code ens18} (net0's
 * MAC) sits on the simulator's bridge, gets its IPv4 lease after the DHCP delay, and runs a real {@code sshd} on
 * port 22 in its own mount and UTS namespace (hostname = the running generation's), where the guest directory is the guest's {@code /etc/ssh}, {@code /etc/passwd},
 * {@code /etc/group}, {@code /etc/shadow}, {@code /etc/sudoers}, {@code /etc/hosts}, {@code /run}, {@code /root} and {@code /home}.
 * Needs root; {@link #unsupportedReason()} says why not otherwise.
 */
public final class NetnsGuests implements GuestRuntime {

    private static final Logger LOG = Logger.getLogger(NetnsGuests.class.getName());
    private static final long LISTEN_TIMEOUT_MILLIS = 10_000;
    public static final int ADMIN_UID = 1000;
    public static final int USERS_GID = 100;
    /** The file in the guest directory holding the address the next network restart moves to (CIDR). */
    public static final String NEXT_IPV4_FILE = "next-ipv4";
    private static final String VIEW = """
            set -e
            d="$1"
            for p in etc/ssh etc/passwd etc/group etc/shadow etc/sudoers etc/hosts run root home; do
              if [ -e "/$p" ]; then mount --bind "$d/$p" "/$p"; fi
            done
            hostname "$(cat "$d/run/current-system/hostname")"
            exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config
            """;

    private final Path root;
    private final Path authorizedKeys;
    private final Path sshKeygen;
    private final IntPredicate ipChange;
    // Created at the first boot, so a simulator that is built but never started leaves nothing. Volatile: agent calls
    // read it under the inventory's monitor and must not wait for this object's lock, held while a guest boots.
    private volatile GuestNetwork network;
    private volatile boolean closed;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService dhcp = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pvesim-dhcp");
        t.setDaemon(true);
        return t;
    });
    private final Map<Integer, Path> dirs = new ConcurrentHashMap<>();
    private final Map<Integer, Process> servers = new ConcurrentHashMap<>();
    private final Map<Integer, ScheduledFuture<?>> pendingLeases = new ConcurrentHashMap<>();

    /**
     * @param ipChange whether a VM's network restart (during {@code nixos-rebuild switch}) moves it to a new address
     */
    public NetnsGuests(Path root, Path authorizedKeys, Path sshd, Path sshKeygen, IntPredicate ipChange) {
        if (!sshd.equals(Path.of("/usr/sbin/sshd"))) {
            LOG.warning(() -> "netns guests always run /usr/sbin/sshd (sshd re-executes itself from that path); "
                    + sshd + " is not used");
        }
        this.root = root;
        this.authorizedKeys = authorizedKeys.toAbsolutePath();
        this.sshKeygen = sshKeygen;
        this.ipChange = ipChange;
    }

    private GuestNetwork network() {
        GuestNetwork known = network;
        return known != null ? known : createNetwork();
    }

    private synchronized GuestNetwork createNetwork() {
        if (network == null) {
            if (closed) {
                throw new IllegalStateException("the simulator's guests are closed");
            }
            try {
                Path workDir = root.toAbsolutePath().getParent();
                network = GuestNetwork.create(workDir != null
                        && workDir.getFileName().toString().startsWith("fleetplane-pvesim-") ? workDir : null);
            } catch (IOException e) {
                throw new TaskFailure("cannot create the guest network: " + e.getMessage());
            }
        }
        return network;
    }

    /**
     * Removes what simulators killed with SIGKILL left of their netns guests on this machine (processes, namespaces,
     * veths, bridges, work directories; those of live simulators stay) and says what, a line per network. Nothing (and
     * an empty list) where netns guests cannot run.
     */
    public static List<String> sweepLeftovers() throws IOException {
        return unsupportedReason().isPresent() ? List.of() : GuestNetwork.sweepLeftovers();
    }

    /** Why netns guests cannot run on this machine, or empty when they can. */
    public static Optional<String> unsupportedReason() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:") && !line.split("\\s+")[2].equals("0")) {
                    return Optional.of("not running as root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)");
                }
            }
        } catch (IOException e) {
            return Optional.of("cannot read /proc/self/status: " + e.getMessage());
        }
        for (String tool : List.of(Ip.IP, "/usr/bin/unshare", "/usr/sbin/sshd", "/usr/bin/ssh-keygen")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return Optional.of(tool + " is not installed");
            }
        }
        return Optional.empty();
    }

    public Optional<Path> guestDir(int vmid) {
        return Optional.ofNullable(dirs.get(vmid));
    }

    /** The guest's network namespace, while it runs. */
    public Optional<String> netns(int vmid) {
        return servers.containsKey(vmid) ? Optional.of(network().netns(vmid)) : Optional.empty();
    }

    public String subnet() {
        return network().subnet();
    }

    public String bridge() {
        return network().bridge();
    }

    public String gateway() {
        return network().gateway();
    }

    @Override
    public void boot(int vmid, String address) throws Exception {
        throw new UnsupportedOperationException("netns guests boot from the VM's config: boot(GuestBoot)");
    }

    @Override
    public synchronized void boot(GuestBoot spec) throws Exception {
        if (closed) {
            throw new IllegalStateException("the simulator's guests are closed");
        }
        int vmid = spec.vmid();
        halt(vmid);
        Path dir = prepare(vmid, spec.name());
        GuestUsers.write(dir, spec, authorizedKeys);
        String ns = network().netns(vmid);
        String veth = network().hostVeth(vmid);
        String lease = network().lease(vmid);
        try {
            Ip.ip("netns", "add", ns);
            List<String> add = new ArrayList<>(List.of("link", "add", veth, "type", "veth", "peer", "name",
                    GuestAgentReplies.NIC_NAME));
            spec.mac().ifPresent(mac -> add.addAll(List.of("address", mac.toLowerCase(java.util.Locale.ROOT))));
            add.addAll(List.of("netns", ns));
            Ip.ip(add.toArray(String[]::new));
            Ip.ip("link", "set", veth, "master", network().bridge(), "up");
            Ip.ip("-n", ns, "link", "set", "lo", "up");
            Ip.ip("-n", ns, "link", "set", GuestAgentReplies.NIC_NAME, "up");
        } catch (IOException e) {
            teardown(vmid);
            throw new TaskFailure("cannot set up the network of guest VM " + vmid + ": " + e.getMessage());
        }
        offerNextLease(vmid, dir);
        Files.createDirectories(dir.resolve("run/sshd"));
        launchSshd(vmid, ns, dir);
        if (!spec.dhcp()) {
            LOG.fine(() -> "guest VM " + vmid + " gets no lease (GuestDefect.NO_DHCP)");
        } else if (spec.ipv4Delay().isZero()) {
            addLease(vmid, ns, lease);
        } else {
            pendingLeases.put(vmid, dhcp.schedule(() -> addLease(vmid, ns, lease),
                    spec.ipv4Delay().toMillis(), TimeUnit.MILLISECONDS));
        }
        LOG.fine(() -> "guest VM " + vmid + " runs in netns " + ns + ", lease " + lease);
    }

    private void launchSshd(int vmid, String ns, Path dir) throws Exception {
        Path log = dir.resolve("sshd.log");
        Process process = new ProcessBuilder(Ip.IP, "netns", "exec", ns, "/usr/bin/unshare", "-m", "-u",
                "--propagation", "private", "/bin/sh", "-c", VIEW, "sh", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        servers.put(vmid, process);
        awaitListening(vmid, process, log);
    }

    /**
     * Stops the sshd of a running guest and leaves the rest of it (network, lease, agent) up: a guest whose agent
     * already reports an address while its sshd does not accept connections yet. New connections are refused.
     */
    public synchronized void stopSshd(int vmid) {
        Process process = servers.get(vmid);
        if (process == null) {
            throw new IllegalStateException("guest VM " + vmid + " is not running");
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the sshd of a running guest again, as at boot, once {@link #stopSshd} stopped it; returns when it listens. */
    public synchronized void startSshd(int vmid) throws Exception {
        Process process = servers.get(vmid);
        Path dir = dirs.get(vmid);
        if (process == null || dir == null) {
            throw new IllegalStateException("guest VM " + vmid + " is not running");
        }
        if (process.isAlive()) {
            throw new IllegalStateException("the sshd of guest VM " + vmid + " is running already");
        }
        launchSshd(vmid, network().netns(vmid), dir);
    }

    private void awaitListening(int vmid, Process process, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + LISTEN_TIMEOUT_MILLIS;
        while (true) {
            if (!process.isAlive()) {
                halt(vmid);
                throw new TaskFailure("SSH server of guest VM " + vmid + " exited with code " + process.exitValue()
                        + ": " + lastLine(log));
            }
            if (listensOn22(process.pid())) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                halt(vmid);
                throw new TaskFailure("SSH server of guest VM " + vmid + " did not listen on port 22 within "
                        + LISTEN_TIMEOUT_MILLIS / 1000 + " s: " + lastLine(log));
            }
            Thread.sleep(20);
        }
    }

    // /proc/<pid>/net/tcp shows the sockets of the process's network namespace: port 22 (0016) in state LISTEN (0A).
    private static boolean listensOn22(long pid) {
        for (String table : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(":0016") && f[3].equals("0A")) {
                        return true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not there (yet)
            }
        }
        return false;
    }

    private void addLease(int vmid, String ns, String lease) {
        pendingLeases.remove(vmid);
        try {
            Ip.ip("-n", ns, "addr", "add", lease + "/" + GuestNetwork.PREFIX, "dev", GuestAgentReplies.NIC_NAME);
        } catch (IOException e) {
            LOG.log(Level.FINE, "guest VM " + vmid + " did not get its lease (halted meanwhile?)", e);
        }
    }

    /** Writes (or removes) the address the guest's next network restart moves to, per the IP-change switch. */
    private void offerNextLease(int vmid, Path dir) throws IOException {
        Path file = dir.resolve(NEXT_IPV4_FILE);
        if (ipChange.test(vmid)) {
            Files.writeString(file, network().nextLease(vmid) + "/" + GuestNetwork.PREFIX + "\n");
        } else {
            Files.deleteIfExists(file);
        }
    }

    private Path prepare(int vmid, String hostname) throws IOException, InterruptedException {
        Path existing = dirs.get(vmid);
        if (existing != null) {
            return existing;
        }
        Path dir = Files.createDirectories(root.resolve("vm-" + vmid));
        // The guest's own users (the cloud-init admin) run its commands: the path to bin/ must be traversable.
        for (Path p = dir; p != null && p.startsWith(root.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        GuestFiles.layOut(dir, hostname, true);
        Path hostKey = dir.resolve("etc/ssh/ssh_host_ed25519_key");
        Process keygen = new ProcessBuilder(sshKeygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C",
                "root@" + hostname, "-f", hostKey.toString())
                .redirectErrorStream(true).start();
        String output = new String(keygen.getInputStream().readAllBytes());
        if (!keygen.waitFor(10, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            keygen.destroyForcibly();
            throw new TaskFailure("cannot generate the host key of guest VM " + vmid + ": " + output.strip());
        }
        dirs.put(vmid, dir);
        return dir;
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** The namespace's interfaces as QGA reports them: lo first, MACs, every address with its prefix, counters. */
    @Override
    public Optional<List<Map<String, Object>>> interfaces(int vmid) {
        if (!servers.containsKey(vmid)) {
            return Optional.empty();
        }
        try {
            JsonNode links = json.readTree(Ip.ip("-n", network().netns(vmid), "-s", "-j", "addr", "show"));
            noticeMove(vmid, links);
            return Optional.of(AgentInterfaces.from(links));
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot read the interfaces of guest VM " + vmid, e);
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> ipv4(int vmid) {
        if (servers.containsKey(vmid)) {
            try {
                noticeMove(vmid, json.readTree(Ip.ip("-n", network().netns(vmid), "-j", "addr", "show")));
            } catch (IOException e) {
                LOG.log(Level.FINE, "cannot read the addresses of guest VM " + vmid, e);
            }
        }
        if (closed) {
            GuestNetwork known = network;
            return known == null ? Optional.empty() : known.current(vmid);
        }
        return Optional.of(network().lease(vmid));
    }

    // The guest moved to its next lease (nixos-rebuild restarted its network): that is now its lease, and the
    // following restart gets another one.
    private void noticeMove(int vmid, JsonNode links) throws IOException {
        for (JsonNode link : links) {
            for (JsonNode a : link.path("addr_info")) {
                if (a.path("family").asText().equals("inet") && network().moved(vmid, a.path("local").asText())) {
                    Path dir = dirs.get(vmid);
                    if (dir != null) {
                        offerNextLease(vmid, dir);
                    }
                    LOG.fine(() -> "guest VM " + vmid + " moved to " + a.path("local").asText());
                }
            }
        }
    }

    @Override
    public synchronized void halt(int vmid) {
        ScheduledFuture<?> pending = pendingLeases.remove(vmid);
        if (pending != null) {
            pending.cancel(false);
        }
        if (servers.containsKey(vmid)) {
            ipv4(vmid); // keep a lease the guest moved to
        }
        Process process = servers.remove(vmid);
        teardown(vmid);
        reap(process);
    }

    /** Kills the guest's sshd process (started by us) and reaps it, so no zombie of ours outlives the guest. */
    private static void reap(Process process) {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills everything in the guest's namespace (sshd, sessions, detached timers), then removes it and its veth. */
    private void teardown(int vmid) {
        if (network == null) {
            return;
        }
        String ns = network().netns(vmid);
        if (Files.exists(Path.of("/run/netns", ns))) {
            for (int round = 0; round < 20; round++) {
                List<ProcessHandle> inside = pids(ns);
                if (inside.isEmpty()) {
                    break;
                }
                inside.forEach(ProcessHandle::destroyForcibly);
                for (ProcessHandle p : inside) {
                    try {
                        p.onExit().get(1000, TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        // a zombie whose parent has not reaped it yet: gone from the namespace once reaped
                    }
                }
            }
            Ip.quietly("netns", "del", ns);
        }
        Ip.quietly("link", "del", network().hostVeth(vmid));
    }

    private static List<ProcessHandle> pids(String ns) {
        List<ProcessHandle> out = new ArrayList<>();
        try {
            for (String pid : Ip.ip("netns", "pids", ns).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(out::add);
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.log(Level.FINE, "cannot list the processes of " + ns, e);
        }
        return out;
    }

    @Override
    public synchronized void destroy(int vmid) {
        halt(vmid);
        if (network != null) {
            network.release(vmid);
        }
        Path dir = dirs.remove(vmid);
        if (dir != null) {
            FileTrees.deleteTree(dir);
        }
    }

    /**
     * Stops every guest at once: one pass over {@code /proc} finds the processes in the guests' namespaces (sshd,
     * sessions, detached timers), all are killed together, and one {@code ip -batch} removes the namespaces and veths.
     * Halting guest after guest cost about 0.8 s each (an {@code ip netns pids} scan of every process, twice, and
     * three {@code ip} runs), so a simulator with 200 guests took minutes to stop.
     */
    @Override
    public void close() {
        List<Integer> running;
        synchronized (this) {
            closed = true; // boot() refuses from now on: a guest booted after close would outlive the simulator
            pendingLeases.values().forEach(f -> f.cancel(false));
            pendingLeases.clear();
            dhcp.shutdownNow();
            running = List.copyOf(servers.keySet());
        }
        GuestNetwork known = network;
        if (known != null) {
            haltAll(known, running);
            known.close();
        }
        dirs.clear();
        FileTrees.deleteTree(root);
    }

    private void haltAll(GuestNetwork net, List<Integer> vmids) {
        Map<Long, String> namespaces = new HashMap<>();
        for (int vmid : vmids) {
            Path file = Path.of("/run/netns", net.netns(vmid));
            try {
                namespaces.put((Long) Files.getAttribute(file, "unix:ino"), net.netns(vmid));
            } catch (IOException | UnsupportedOperationException e) {
                // never created, or removed already
            }
        }
        for (int round = 0; round < 5 && !namespaces.isEmpty(); round++) {
            List<ProcessHandle> inside = processesIn(namespaces.keySet());
            if (inside.isEmpty()) {
                break;
            }
            inside.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (ProcessHandle p : inside) {
                try {
                    p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    // a zombie whose parent has not reaped it yet: gone from the namespace once reaped
                }
            }
        }
        for (int vmid : vmids) {
            reap(servers.remove(vmid));
        }
        List<String> commands = new ArrayList<>();
        for (int vmid : vmids) {
            commands.add("netns del " + net.netns(vmid));
            commands.add("link del " + net.hostVeth(vmid));
        }
        Ip.batchQuietly(commands);
    }

    /** Every process whose network namespace is one of {@code inodes} (what {@code ip netns pids} does, for many). */
    private static List<ProcessHandle> processesIn(Set<Long> inodes) {
        List<ProcessHandle> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                String link = Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "ns", "net")).toString();
                // "net:[4026532681]"
                long inode = Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
                if (inodes.contains(inode)) {
                    out.add(p);
                }
            } catch (IOException | RuntimeException e) {
                // exited meanwhile, or a kernel thread
            }
        });
        return out;
    }

    static void chown(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
