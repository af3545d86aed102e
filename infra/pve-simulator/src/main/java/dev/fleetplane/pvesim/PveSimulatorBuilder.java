package dev.fleetplane.pvesim;

import dev.fleetplane.pvesim.access.AclEntry;
import dev.fleetplane.pvesim.access.AclModel;
import dev.fleetplane.pvesim.access.Privileges;
import dev.fleetplane.pvesim.faults.Faults;
import dev.fleetplane.pvesim.http.TicketAuthority;
import dev.fleetplane.pvesim.http.TokenAuthenticator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The simulator's configuration, fluent; every setting has a default that suits tests ({@link PveSimulator#builder()}).
 * Its fields are read by {@link PveSimulator} and {@link Seeder} once {@link #build()} has checked them.
 */
public final class PveSimulatorBuilder {

    private static final Pattern NODE_NAME = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?");

    final List<String> nodes = new ArrayList<>();
    String host = "127.0.0.1";
    int port = 0;
    final Map<String, String> tokens = new LinkedHashMap<>();
    Duration defaultTaskDuration = Duration.ZERO;
    final Map<String, Duration> taskDurations = new LinkedHashMap<>();
    Duration guestBootDelay = Duration.ZERO;
    Duration guestDhcpDelay = Duration.ZERO;
    GuestSsh guestSsh;
    NodeSsh nodeSsh;
    boolean netnsGuests;
    final List<SeedVm> seeds = new ArrayList<>();
    final List<VolumeSeed> volumeSeeds = new ArrayList<>();
    final List<Path> seedFiles = new ArrayList<>();
    boolean errorMessageInBody = true;
    boolean detailedAuthFailures = false;
    String pveVersion = "9.1.2";
    long macSeed = 0x5EED_0F_F1EE7L;
    boolean acpiShutdown = false;
    boolean https = false;
    int plainHttpPort = 0;
    final Map<String, String> users = new LinkedHashMap<>();
    final List<AclEntry> acls = new ArrayList<>();
    Path requestLog;
    Duration ticketLifetime = TicketAuthority.LIFETIME;
    final List<Consumer<Faults>> faultSetup = new ArrayList<>();

    PveSimulatorBuilder() {
    }

    /** Adds a cluster node (default: one node named {@code pve}). */
    public PveSimulatorBuilder node(String name) {
        if (name == null || !NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("node name '" + name + "' is not a valid host name");
        }
        if (!nodes.contains(name)) {
            nodes.add(name);
        }
        return this;
    }

    /** Address to bind (default 127.0.0.1). */
    public PveSimulatorBuilder host(String address) {
        this.host = Objects.requireNonNull(address, "host");
        return this;
    }

    /** Port to bind; 0 (default) picks a free one. */
    public PveSimulatorBuilder port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        this.port = port;
        return this;
    }

    /**
     * Accepts {@code Authorization: PVEAPIToken=<tokenId>=<secret>}; tokenId is {@code user@realm!name}. The token
     * may do everything: {@code Administrator} on {@code /} (propagated), like a token without privilege
     * separation of {@code root@pam}.
     */
    public PveSimulatorBuilder apiToken(String tokenId, String secret) {
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(secret, "secret");
        tokens.put(tokenId, secret);
        acls.add(new AclEntry("/", tokenId, List.of("Administrator"), true));
        return this;
    }

    /**
     * Grants {@code tokenId} (or a ticket user) roles or single privileges on {@code path}, as
     * {@code pveum acl modify <path> --tokens <tokenId> --roles <role> --propagate <0|1>} does: e.g.
     * {@code apiTokenWithoutAcls(id, s).acl(id, "/vms", true, "PVEVMAdmin").acl(id, "/storage/local-lvm", true,
     * "Datastore.AllocateSpace")}. Added to what the token has; on a path the most specific ACL wins.
     */
    public PveSimulatorBuilder acl(String tokenId, String path, boolean propagate, String... rolesOrPrivileges) {
        acls.add(new AclEntry(path, Objects.requireNonNull(tokenId, "tokenId"), List.of(rolesOrPrivileges), propagate));
        return this;
    }

    /**
     * Appends one line per answered request to {@code file}: {@code <ISO instant> <METHOD> <path> <status>}
     * (path as requested, without the query), flushed per line, so another process can count calls.
     */
    public PveSimulatorBuilder requestLog(Path file) {
        this.requestLog = Objects.requireNonNull(file, "request log file");
        return this;
    }

    /**
     * A token created with privilege separation and no ACL of its own (Proxmox's default for a new token): it
     * authenticates, but privilege-checked calls answer 403 {@code Permission check failed (/vms/100, VM.Audit)}
     * and {@code /cluster/resources} is empty.
     */
    public PveSimulatorBuilder apiTokenWithoutAcls(String tokenId, String secret) {
        Objects.requireNonNull(tokenId, "tokenId");
        tokens.put(tokenId, Objects.requireNonNull(secret, "secret"));
        acls.removeIf(a -> a.authId().equals(tokenId));
        return this;
    }

    /** A user for the ticket login ({@code POST /access/ticket}, username {@code user@realm}). */
    public PveSimulatorBuilder user(String username, String password) {
        users.put(Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"));
        return this;
    }

    /** How long a ticket (and its CSRF token) stays valid; Proxmox's is 2 h. Shorter values test renewal. */
    public PveSimulatorBuilder ticketLifetime(Duration lifetime) {
        this.ticketLifetime = nonNegative(lifetime, "ticket lifetime");
        return this;
    }

    /**
     * Serve HTTPS on {@link #port(int)} with a self-signed certificate (like pveproxy on 8006; see
     * {@link PveSimulator#fingerprint()}), and plain HTTP beside it on {@link #plainHttpPort(int)}.
     */
    public PveSimulatorBuilder https(boolean enabled) {
        this.https = enabled;
        return this;
    }

    /** Port of the plain-HTTP listener next to the HTTPS one (default 0: any free port). */
    public PveSimulatorBuilder plainHttpPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("plain HTTP port must be 0-65535, got " + port);
        }
        this.plainHttpPort = port;
        return this;
    }

    /** How long every task runs before its effect (default zero: the task has ended when its UPID is returned). */
    public PveSimulatorBuilder taskDuration(Duration duration) {
        this.defaultTaskDuration = nonNegative(duration, "task duration");
        return this;
    }

    /** Duration of one task type ({@code qmclone}, {@code qmstart}, {@code resize}, {@code qmconfig}, …). */
    public PveSimulatorBuilder taskDuration(String taskType, Duration duration) {
        taskDurations.put(Objects.requireNonNull(taskType, "taskType"), nonNegative(duration, "task duration of " + taskType));
        return this;
    }

    /** Time from a guest being up (its sshd listening, with guest SSH) to its agent answering. */
    public PveSimulatorBuilder guestBootDelay(Duration delay) {
        this.guestBootDelay = nonNegative(delay, "guest boot delay");
        return this;
    }

    /** Time from the agent answering to the guest's IPv4 "DHCP lease" (before it: link-local IPv6 only). */
    public PveSimulatorBuilder guestDhcpDelay(Duration delay) {
        this.guestDhcpDelay = nonNegative(delay, "guest DHCP delay");
        return this;
    }

    /** Backs guests by real OpenSSH servers (absent: the agent reports addresses, nothing listens there). */
    public PveSimulatorBuilder guestSsh(GuestSsh ssh) {
        this.guestSsh = ssh;
        return this;
    }

    /**
     * Gives every node a real {@code sshd} on 127.0.0.1 (root, this one key, SFTP) for copying files into its dump
     * directory; see {@link PveSimulator#nodeSsh(String)}. Off by default (null); started by {@link PveSimulator#start()}.
     */
    public PveSimulatorBuilder nodeSsh(NodeSsh ssh) {
        this.nodeSsh = ssh;
        return this;
    }

    /**
     * With {@link #guestSsh}: each running guest is a network namespace on a private bridge with a DHCP-like
     * address and its own sshd on port 22 (see DESIGN.md "Netns guests"). Needs root; without it the simulator
     * logs why and falls back to loopback SSH guests.
     */
    public PveSimulatorBuilder netnsGuests(boolean enabled) {
        this.netnsGuests = enabled;
        return this;
    }

    public PveSimulatorBuilder seed(SeedVm... vms) {
        seeds.addAll(List.of(vms));
        return this;
    }

    /** Many VMs at once, e.g. {@code seed(SeedVm.batch(1000, 1000, "web"))}. */
    public PveSimulatorBuilder seed(Collection<SeedVm> vms) {
        seeds.addAll(vms);
        return this;
    }

    /**
     * Whether guests obey an ACPI power button. Default false: a {@code shutdown} reaches the guest only through a
     * configured, answering guest agent; otherwise it waits its {@code timeout} and fails "got timeout", the
     * behaviour the reference warns about (a guest that ignores ACPI, or is still booting).
     */
    public PveSimulatorBuilder acpiShutdown(boolean obeyed) {
        this.acpiShutdown = obeyed;
        return this;
    }

    /**
     * A vzdump backup on the first node, e.g. {@code backupArchive("local:backup/vzdump-qemu-9000-2024_01_01-00_00_00.vma.zst",
     * Map.of("name", "nixos", "memory", "2048", "scsi0", "local-lvm:vm-9000-disk-0,size=8G", …))}: restorable
     * with {@code POST /nodes/{node}/qemu archive=…}; {@code config} is the VM config it was made from
     * (values as {@code GET …/config} shows them).
     */
    public PveSimulatorBuilder backupArchive(String volid, Map<String, String> config) {
        return backupArchive(null, volid, config);
    }

    /** A backup on {@code node} (null: the first node); see {@link #backupArchive(String, Map)}. */
    public PveSimulatorBuilder backupArchive(String node, String volid, Map<String, String> config) {
        Objects.requireNonNull(config, "backup config");
        volumeSeeds.add(new VolumeSeed(node, volid, 512L * 1024 * 1024, new LinkedHashMap<>(config)));
        return this;
    }

    /**
     * A file volume on the first node's storage ({@code local:iso/x.iso}, {@code local:import/disk.qcow2},
     * {@code local:vztmpl/…tar.zst}) of {@code sizeBytes}, listed in its content and usable as {@code import-from}.
     */
    public PveSimulatorBuilder storageVolume(String volid, long sizeBytes) {
        volumeSeeds.add(new VolumeSeed(null, volid, sizeBytes, null));
        return this;
    }

    /** Reads {@code {"vms":[…]}} (see {@link SeedVm}) when the simulator starts. */
    public PveSimulatorBuilder seedFile(Path file) {
        seedFiles.add(Objects.requireNonNull(file, "seed file"));
        return this;
    }

    /**
     * Error bodies carry {@code message} (libpve-http-server-perl >= 5.2.0, default) or only {@code data: null}
     * and {@code errors} (older servers).
     */
    public PveSimulatorBuilder errorMessageInBody(boolean enabled) {
        this.errorMessageInBody = enabled;
        return this;
    }

    /**
     * 401 reason phrases say why ({@code invalid token value!}), as releases before 2026-01 did; default is the
     * current {@code Authentication failed!}.
     */
    public PveSimulatorBuilder detailedAuthFailures(boolean enabled) {
        this.detailedAuthFailures = enabled;
        return this;
    }

    /** The pve-manager version {@code /version} reports (default 9.1.2). */
    public PveSimulatorBuilder pveVersion(String version) {
        if (version == null || !version.matches("\\d+\\.\\d+(\\.\\d+|-\\d+)?")) {
            throw new IllegalArgumentException("PVE version must look like 9.1.2 or 7.4-16, got '" + version + "'");
        }
        this.pveVersion = version;
        return this;
    }

    /** Seed of the MAC address generator (runs with the same seed hand out the same MACs). */
    public PveSimulatorBuilder macSeed(long seed) {
        this.macSeed = seed;
        return this;
    }

    /** Arms fault switches from the start, e.g. {@code faults(f -> f.latency("config-write", Duration.ofMillis(50)))}. */
    public PveSimulatorBuilder faults(Consumer<Faults> setup) {
        faultSetup.add(Objects.requireNonNull(setup, "fault setup"));
        return this;
    }

    public PveSimulator build() {
        if (nodes.isEmpty()) {
            nodes.add("pve");
        }
        if (tokens.isEmpty() && users.isEmpty()) {
            throw new IllegalStateException("no API token or user configured: call apiToken(tokenId, secret)"
                    + " or user(name, password)");
        }
        if (guestSsh != null && !Files.isReadable(guestSsh.authorizedKeysFile())) {
            throw new IllegalArgumentException("guest SSH authorized keys file " + guestSsh.authorizedKeysFile()
                    + " does not exist or is not readable");
        }
        new TokenAuthenticator(tokens, false); // validates token ids now rather than at start()
        new TicketAuthority(users, ticketLifetime); // and user names
        new AclModel(Privileges.of(pveVersion), acls, Set::of); // and ACL roles and privileges
        return new PveSimulator(this);
    }

    private static Duration nonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
        return d;
    }

    /** A file volume (or a backup archive, with the config it was made from) seeded on a node's storage. */
    record VolumeSeed(String node, String volid, long size, Map<String, String> archiveConfig) {
    }
}
