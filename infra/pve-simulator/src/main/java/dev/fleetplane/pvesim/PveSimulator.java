package dev.fleetplane.pvesim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.pvesim.access.AclEntry;
import dev.fleetplane.pvesim.access.AclModel;
import dev.fleetplane.pvesim.access.PermissionChecks;
import dev.fleetplane.pvesim.access.PermissionsApi;
import dev.fleetplane.pvesim.access.Privileges;
import dev.fleetplane.pvesim.cluster.ClusterApi;
import dev.fleetplane.pvesim.guest.NetnsGuests;
import dev.fleetplane.pvesim.guest.SshGuests;
import dev.fleetplane.pvesim.http.ApiDispatcher;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.http.AccessApi;
import dev.fleetplane.pvesim.http.PveHttpServer;
import dev.fleetplane.pvesim.http.SelfSignedCertificate;
import dev.fleetplane.pvesim.http.TicketAuthority;
import dev.fleetplane.pvesim.http.TokenAuthenticator;
import dev.fleetplane.pvesim.qemu.GuestAddresses;
import dev.fleetplane.pvesim.qemu.GuestBoot;
import dev.fleetplane.pvesim.qemu.GuestRuntime;
import dev.fleetplane.pvesim.qemu.Inventory;
import dev.fleetplane.pvesim.qemu.QemuApi;
import dev.fleetplane.pvesim.qemu.QemuVm;
import dev.fleetplane.pvesim.task.TaskApi;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A Proxmox VE API ({@code /api2/json}) for tests and demos: the real wire shape, tasks with UPIDs, locks, the
 * guest agent, and guests that can be real SSH endpoints. Start it, point a client at {@link #url()}, close it.
 */
public final class PveSimulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PveSimulator.class.getName());
    private static final Pattern NODE_NAME = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?");

    private final Builder config;
    private final Inventory inventory;
    private final TaskRunner tasks;
    private final GuestRuntime guests;
    private final SshGuests sshGuests; // null without guest SSH or with netns guests
    private final NetnsGuests netnsGuests; // null unless netnsGuests(true) on a machine that supports them
    private final Path workDir;
    private final dev.fleetplane.pvesim.storage.Storages storages;
    private final Thread shutdownHook = new Thread(this::closeQuietly, "pvesim-shutdown");
    private PveHttpServer server;
    private PveHttpServer plainServer; // beside the HTTPS one, when https(true)
    private SelfSignedCertificate certificate; // null without https(true)
    private ApiDispatcher dispatcher;
    private dev.fleetplane.pvesim.console.TermProxyApi termProxy; // console sessions, closed with the simulator
    private dev.fleetplane.pvesim.http.RequestLog requestLog; // with Builder.requestLog
    private volatile boolean closed;

    private final dev.fleetplane.pvesim.faults.Faults faults = new dev.fleetplane.pvesim.faults.Faults();

    private PveSimulator(Builder b) {
        this.config = b;
        this.inventory = new Inventory(b.nodes, b.macSeed);
        this.tasks = new TaskRunner(b.defaultTaskDuration, b.taskDurations);
        faults.knownPrivileges(dev.fleetplane.pvesim.access.Privileges.of(b.pveVersion).all());
        b.faultSetup.forEach(setup -> setup.accept(faults));
        this.tasks.injectFailures(faults::taskFailure);
        try {
            this.workDir = Files.createTempDirectory("fleetplane-pvesim-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the simulator's work directory", e);
        }
        this.storages = new dev.fleetplane.pvesim.storage.Storages(workDir.resolve("storage"));
        Optional<String> noNetns = b.netnsGuests && b.guestSsh != null ? NetnsGuests.unsupportedReason() : Optional.empty();
        noNetns.ifPresent(why -> LOG.warning(() -> "netns guests are not available here: " + why
                + "; falling back to loopback SSH guests on port " + b.guestSsh.port()));
        if (b.guestSsh != null && b.netnsGuests && noNetns.isEmpty()) {
            GuestSsh g = b.guestSsh;
            this.sshGuests = null;
            this.netnsGuests = new NetnsGuests(workDir.resolve("guests"), g.authorizedKeysFile(), g.sshd(), g.sshKeygen(),
                    faults::ipChangesOnNetworkRestart);
            this.guests = netnsGuests;
        } else if (b.guestSsh != null) {
            GuestSsh g = b.guestSsh;
            this.sshGuests = new SshGuests(workDir.resolve("guests"), g.authorizedKeysFile(), g.port(), g.sshd(), g.sshKeygen());
            this.netnsGuests = null;
            this.guests = sshGuests;
        } else {
            this.sshGuests = null;
            this.netnsGuests = null;
            this.guests = GuestRuntime.NONE;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the API, seeds the VMs and boots seeded running guests; returns this. */
    public synchronized PveSimulator start() {
        if (server != null) {
            throw new IllegalStateException("simulator already started");
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            seed();
            ApiRouter router = new ApiRouter();
            new ClusterApi(inventory, config.pveVersion).register(router);
            new QemuApi(inventory, tasks, storages, guests, config.guestBootDelay, config.guestDhcpDelay,
                    config.acpiShutdown).register(router);
            Path uploads = workDir.resolve("uploads");
            new dev.fleetplane.pvesim.storage.StorageApi(new dev.fleetplane.pvesim.qemu.DiskVolumes(inventory), storages, tasks, uploads).register(router);
            termProxy = new dev.fleetplane.pvesim.console.TermProxyApi(inventory, tasks);
            termProxy.register(router);
            new TaskApi(tasks).register(router);
            TicketAuthority tickets = new TicketAuthority(config.users, config.ticketLifetime);
            new AccessApi(tickets).register(router);
            TokenAuthenticator auth = new TokenAuthenticator(config.tokens, config.detailedAuthFailures, tickets);
            AclModel acl = new AclModel(Privileges.of(config.pveVersion), config.acls, faults::droppedPrivileges);
            new PermissionsApi(acl).register(router);
            dispatcher = new ApiDispatcher(router, auth, config.errorMessageInBody, this::checkPath,
                    new PermissionChecks(acl, this::diskStorages));
            java.util.function.Function<dev.fleetplane.pvesim.http.RawRequest, dev.fleetplane.pvesim.http.ApiResponse> api =
                    faults.around(dispatcher);
            if (config.requestLog != null) {
                requestLog = new dev.fleetplane.pvesim.http.RequestLog(config.requestLog);
                api = requestLog.around(api);
            }
            InetAddress bind = InetAddress.getByName(config.host);
            if (config.https) {
                certificate = SelfSignedCertificate.shared();
                server = new PveHttpServer(bind, config.port, api, certificate.serverContext())
                        .uploadDir(uploads).start();
                plainServer = new PveHttpServer(bind, config.plainHttpPort, api)
                        .uploadDir(uploads).start();
            } else {
                server = new PveHttpServer(bind, config.port, api).uploadDir(uploads).start();
            }
            LOG.info(() -> "pve-simulator listening on " + url() + " (nodes " + config.nodes + ")");
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start the simulator on " + config.host + ":" + config.port, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    // disk key -> storage id of a VM's disks (cdroms and volumes without a storage excluded), for privilege checks
    private Map<String, String> diskStorages(int vmid) {
        Map<String, String> out = new LinkedHashMap<>();
        synchronized (inventory) {
            QemuVm vm = inventory.find(vmid);
            if (vm == null) {
                return out;
            }
            vm.config().forEach((key, value) -> {
                String v = String.valueOf(value);
                if (key.matches("(ide|sata|scsi|virtio)\\d+|efidisk0|tpmstate0") && !v.contains("media=cdrom")
                        && v.indexOf(':') > 0) {
                    out.put(key, v.substring(0, v.indexOf(':')));
                }
            });
        }
        return out;
    }

    private void checkPath(Map<String, String> pathParams) {
        String node = pathParams.get("node");
        if (node != null && !inventory.hasNode(node)) {
            throw ApiException.internal("hostname lookup '" + node + "' failed - failed to get address info for: "
                    + node + ": Name or service not known");
        }
        String vmid = pathParams.get("vmid");
        if (vmid != null) {
            var call = new dev.fleetplane.pvesim.http.ApiCall("GET", "", Map.of(), Map.of(), "");
            call.integer("vmid", vmid, Inventory.MIN_VMID, Inventory.MAX_VMID);
            call.check();
        }
    }

    private void seed() {
        for (VolumeSeed v : config.volumeSeeds) {
            String node = v.node() != null ? v.node() : config.nodes.get(0);
            if (!inventory.hasNode(node)) {
                throw new IllegalArgumentException("volume '" + v.volid() + "': node '" + node
                        + "' is not one of the simulator's nodes " + config.nodes);
            }
            storages.add(storages.seeded(node, v.volid(), v.size(), v.archiveConfig()));
        }
        List<SeedVm> seeds = new ArrayList<>(config.seeds);
        for (Path file : config.seedFiles) {
            seeds.addAll(readSeedFile(file));
        }
        create(seeds);
    }

    /**
     * Adds VMs to a running simulator, as if someone had created them by hand (no API request is counted); running
     * ones are booted. Every entry is checked before any is created; a VMID that exists already is an error.
     */
    public synchronized PveSimulator seed(Collection<SeedVm> vms) {
        requireStarted();
        synchronized (inventory) {
            for (SeedVm s : vms) {
                if (inventory.exists(s.vmid())) {
                    throw new IllegalArgumentException("seed VM " + s.vmid() + ": the VMID exists already");
                }
            }
        }
        create(new ArrayList<>(vms));
        return this;
    }

    private void create(List<SeedVm> seeds) {
        Set<Integer> seen = new HashSet<>();
        List<Integer> toBoot = new ArrayList<>();
        synchronized (inventory) {
            for (SeedVm s : seeds) {
                check(s, seen);
            }
            for (SeedVm s : seeds) {
                String node = s.node() != null ? s.node() : config.nodes.get(0);
                QemuVm vm = inventory.create(s.vmid(), node);
                inventory.seedConfig(vm, s.name(), s.cores(), s.memoryMb(), s.diskGb(), s.agent(), s.template(),
                        s.tags(), s.description(), s.diskInterface());
                if (sshGuests != null) {
                    sshGuests.hostname(s.vmid(), s.name());
                }
                if (s.isRunning()) {
                    toBoot.add(s.vmid());
                }
            }
        }
        for (int vmid : toBoot) {
            bootSeeded(vmid);
        }
    }

    private void check(SeedVm s, Set<Integer> seen) {
        String where = "seed VM " + s.vmid();
        if (s.vmid() < Inventory.MIN_VMID || s.vmid() > Inventory.MAX_VMID) {
            throw new IllegalArgumentException(where + ": vmid must be between 100 and 999999999");
        }
        if (!seen.add(s.vmid())) {
            throw new IllegalArgumentException(where + ": vmid is seeded twice");
        }
        String node = s.node() != null ? s.node() : config.nodes.get(0);
        if (!inventory.hasNode(node)) {
            throw new IllegalArgumentException(where + ": node '" + node + "' is not one of the simulator's nodes " + config.nodes);
        }
        if (!"running".equals(s.status()) && !"stopped".equals(s.status())) {
            throw new IllegalArgumentException(where + ": status must be 'running' or 'stopped', got '" + s.status() + "'");
        }
        if (s.template() && s.isRunning()) {
            throw new IllegalArgumentException(where + ": a template cannot be running");
        }
        if (s.cores() < 1 || s.memoryMb() < 16 || s.diskGb() < 1) {
            throw new IllegalArgumentException(where + ": cores >= 1, memoryMb >= 16 and diskGb >= 1 are required");
        }
        if (s.diskInterface() == null || !s.diskInterface().matches("virtio([0-9]|1[0-5])|scsi([0-9]|[12][0-9]|30)"
                + "|sata[0-5]|ide[0-3]")) {
            throw new IllegalArgumentException(where + ": diskInterface must be a disk key (virtio0..15, scsi0..30,"
                    + " sata0..5, ide0..3), got '" + s.diskInterface() + "'");
        }
        if (s.name() == null || !s.name().matches("[A-Za-z0-9]([A-Za-z0-9.\\-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException(where + ": name '" + s.name() + "' is not a valid DNS name");
        }
    }

    private void bootSeeded(int vmid) {
        try {
            GuestBoot spec;
            synchronized (inventory) {
                spec = GuestBoot.of(inventory.find(vmid), config.guestBootDelay, config.guestDhcpDelay);
            }
            guests.boot(spec);
        } catch (Exception e) {
            throw new IllegalStateException("seed VM " + vmid + " is running but its guest did not boot: " + e.getMessage(), e);
        }
        synchronized (inventory) {
            QemuVm vm = inventory.find(vmid);
            long agentUp = System.currentTimeMillis() + config.guestBootDelay.toMillis();
            inventory.markBooted(vm, agentUp, agentUp + config.guestDhcpDelay.toMillis());
        }
    }

    private record SeedFile(List<SeedVm> vms) {
        @JsonCreator
        SeedFile(@JsonProperty(value = "vms", required = true) List<SeedVm> vms) {
            this.vms = vms == null ? List.of() : vms;
        }
    }

    static List<SeedVm> readSeedFile(Path file) {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return json.readValue(file.toFile(), SeedFile.class).vms();
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.toString();
            throw new IllegalArgumentException("seed file " + file + " is not valid: " + why, e);
        }
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:40123/api2/json}. */
    /** The fault switches (latency, 5xx rate, lock contention, bad answers, …), live while the simulator runs. */
    public dev.fleetplane.pvesim.faults.Faults faults() {
        return faults;
    }

    public String url() {
        return baseUrl() + ApiDispatcher.PREFIX;
    }

    /** {@code http://127.0.0.1:PORT}, or {@code https://…} with {@link Builder#https(boolean)}. */
    public String baseUrl() {
        requireStarted();
        return base(server);
    }

    /** The plain-HTTP base URL of the API (with https(true), the second listener beside the HTTPS one). */
    public String plainUrl() {
        requireStarted();
        return base(plainServer != null ? plainServer : server) + ApiDispatcher.PREFIX;
    }

    private static String base(PveHttpServer s) {
        String host = s.address().getHostAddress();
        return (s.secure() ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + s.port();
    }

    /**
     * The SHA-256 fingerprint of the HTTPS certificate as Proxmox shows it ({@code AB:12:…}, 32 pairs), for clients
     * that pin it. Only with {@link Builder#https(boolean)}.
     */
    public String fingerprint() {
        return requireTls().fingerprint();
    }

    /** The HTTPS certificate in PEM, for clients that trust it as a CA file. Only with https(true). */
    public String certificatePem() {
        return requireTls().pem();
    }

    private SelfSignedCertificate requireTls() {
        requireStarted();
        if (certificate == null) {
            throw new IllegalStateException("the simulator serves plain HTTP: build it with https(true)");
        }
        return certificate;
    }

    public int port() {
        requireStarted();
        return server.port();
    }

    /**
     * The IPv4 address the guest agent reports for that VM (and where its sshd listens with guest SSH). With netns
     * guests: its current DHCP lease, which moves when a {@code nixos-rebuild switch} restarts its network.
     */
    public String guestAddress(int vmid) {
        return guests.ipv4(vmid).orElseGet(() -> GuestAddresses.ipv4(vmid));
    }

    /** The port guests' sshd listen on, when guest SSH is configured (22 with netns guests). */
    public Optional<Integer> guestSshPort() {
        return netnsGuests != null ? Optional.of(22) : Optional.ofNullable(config.guestSsh).map(GuestSsh::port);
    }

    /** A guest-backed VM's directory (its "disk": bin/, nix/var/nix/profiles, run/current-system, fail-rebuild). */
    public Optional<Path> guestDir(int vmid) {
        if (netnsGuests != null) {
            return netnsGuests.guestDir(vmid);
        }
        return sshGuests == null ? Optional.empty() : sshGuests.guestDir(vmid);
    }

    /** Whether guests are network namespaces (asked for with {@code netnsGuests(true)} and supported here). */
    public boolean hasNetnsGuests() {
        return netnsGuests != null;
    }

    /** A running netns guest's network namespace ({@code ip netns exec <it> …}). */
    public Optional<String> guestNetns(int vmid) {
        return netnsGuests == null ? Optional.empty() : netnsGuests.netns(vmid);
    }

    /**
     * Netns guests: stops the running guest's sshd and leaves the guest up (its agent goes on reporting its address),
     * as a guest whose sshd starts late; {@link #startGuestSshd} starts it again.
     */
    public void stopGuestSshd(int vmid) {
        netnsOnly("stopGuestSshd").stopSshd(vmid);
    }

    /** Netns guests: starts the sshd {@link #stopGuestSshd} stopped; returns once it accepts connections. */
    public void startGuestSshd(int vmid) {
        try {
            netnsOnly("startGuestSshd").startSshd(vmid);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the sshd of guest VM " + vmid + ": " + e.getMessage(), e);
        }
    }

    private NetnsGuests netnsOnly(String what) {
        if (netnsGuests == null) {
            throw new IllegalStateException(what + " needs netns guests (Builder.netnsGuests(true), as root)");
        }
        return netnsGuests;
    }

    /** The netns guests' LAN ({@code 10.a.b.0/24}) and its bridge, created at the first guest boot. */
    public Optional<String> guestSubnet() {
        return netnsGuests == null ? Optional.empty() : Optional.of(netnsGuests.subnet());
    }

    public List<String> nodes() {
        return inventory.nodes();
    }

    /** How many API requests were answered since start (or the last {@link #resetCounts()}), all endpoints. */
    public long requestCount() {
        requireStarted();
        return dispatcher.counter().total();
    }

    /** Requests to one endpoint, named as routed: {@code "GET /nodes/{node}/qemu/{vmid}/config"}. */
    public long requestCount(String endpoint) {
        requireStarted();
        return dispatcher.counter().of(endpoint);
    }

    /** Requests per endpoint ({@code "GET /cluster/resources"} → 3, …), sorted; endpoints never called are absent. */
    public Map<String, Long> requestCounts() {
        requireStarted();
        return dispatcher.counter().snapshot();
    }

    public void resetCounts() {
        requireStarted();
        dispatcher.counter().reset();
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("simulator not started: call start() first");
        }
    }

    /** Stops the API, every guest sshd and task, and deletes every temporary directory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is shutting down (we may be the hook), or start() never registered it
        }
        closeQuietly();
    }

    private void closeQuietly() {
        closed = true;
        if (server != null) {
            server.close();
        }
        if (plainServer != null) {
            plainServer.close();
        }
        if (termProxy != null) {
            termProxy.close();
        }
        if (requestLog != null) {
            requestLog.close();
        }
        tasks.close();
        guests.close();
        deleteTree(workDir);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.fine(() -> "cannot delete " + p + ": " + e);
                }
            });
        } catch (IOException e) {
            LOG.warning(() -> "cannot delete " + dir + ": " + e);
        }
    }

    private record VolumeSeed(String node, String volid, long size, Map<String, String> archiveConfig) {
    }

    /** Fluent configuration; every setting has a default that suits tests. */
    public static final class Builder {
        private final List<String> nodes = new ArrayList<>();
        private String host = "127.0.0.1";
        private int port = 0;
        private final Map<String, String> tokens = new LinkedHashMap<>();
        private Duration defaultTaskDuration = Duration.ZERO;
        private final Map<String, Duration> taskDurations = new LinkedHashMap<>();
        private Duration guestBootDelay = Duration.ZERO;
        private Duration guestDhcpDelay = Duration.ZERO;
        private GuestSsh guestSsh;
        private boolean netnsGuests;
        private final List<SeedVm> seeds = new ArrayList<>();
        private final List<VolumeSeed> volumeSeeds = new ArrayList<>();
        private final List<Path> seedFiles = new ArrayList<>();
        private boolean errorMessageInBody = true;
        private boolean detailedAuthFailures = false;
        private String pveVersion = "9.1.2";
        private long macSeed = 0x5EED_0F_F1EE7L;
        private boolean acpiShutdown = false;
        private boolean https = false;
        private int plainHttpPort = 0;
        private final Map<String, String> users = new LinkedHashMap<>();
        private final List<AclEntry> acls = new ArrayList<>();
        private Path requestLog;
        private Duration ticketLifetime = TicketAuthority.LIFETIME;
        private final List<java.util.function.Consumer<dev.fleetplane.pvesim.faults.Faults>> faultSetup = new ArrayList<>();

        private Builder() {
        }

        /** Adds a cluster node (default: one node named {@code pve}). */
        public Builder node(String name) {
            if (name == null || !NODE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("node name '" + name + "' is not a valid host name");
            }
            if (!nodes.contains(name)) {
                nodes.add(name);
            }
            return this;
        }

        /** Address to bind (default 127.0.0.1). */
        public Builder host(String address) {
            this.host = Objects.requireNonNull(address, "host");
            return this;
        }

        /** Port to bind; 0 (default) picks a free one. */
        public Builder port(int port) {
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
        public Builder apiToken(String tokenId, String secret) {
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
        public Builder acl(String tokenId, String path, boolean propagate, String... rolesOrPrivileges) {
            acls.add(new AclEntry(path, Objects.requireNonNull(tokenId, "tokenId"), List.of(rolesOrPrivileges), propagate));
            return this;
        }

        /**
         * Appends one line per answered request to {@code file}: {@code <ISO instant> <METHOD> <path> <status>}
         * (path as requested, without the query), flushed per line, so another process can count calls.
         */
        public Builder requestLog(Path file) {
            this.requestLog = Objects.requireNonNull(file, "request log file");
            return this;
        }

        /**
         * A token created with privilege separation and no ACL of its own (Proxmox's default for a new token): it
         * authenticates, but privilege-checked calls answer 403 {@code Permission check failed (/vms/100, VM.Audit)}
         * and {@code /cluster/resources} is empty.
         */
        public Builder apiTokenWithoutAcls(String tokenId, String secret) {
            Objects.requireNonNull(tokenId, "tokenId");
            tokens.put(tokenId, Objects.requireNonNull(secret, "secret"));
            acls.removeIf(a -> a.authId().equals(tokenId));
            return this;
        }

        /** A user for the ticket login ({@code POST /access/ticket}, username {@code user@realm}). */
        public Builder user(String username, String password) {
            users.put(Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"));
            return this;
        }

        /** How long a ticket (and its CSRF token) stays valid; Proxmox's is 2 h. Shorter values test renewal. */
        public Builder ticketLifetime(Duration lifetime) {
            this.ticketLifetime = nonNegative(lifetime, "ticket lifetime");
            return this;
        }

        /**
         * Serve HTTPS on {@link #port(int)} with a self-signed certificate (like pveproxy on 8006; see
         * {@link PveSimulator#fingerprint()}), and plain HTTP beside it on {@link #plainHttpPort(int)}.
         */
        public Builder https(boolean enabled) {
            this.https = enabled;
            return this;
        }

        /** Port of the plain-HTTP listener next to the HTTPS one (default 0: any free port). */
        public Builder plainHttpPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("plain HTTP port must be 0-65535, got " + port);
            }
            this.plainHttpPort = port;
            return this;
        }

        /** How long every task runs before its effect (default zero: the task has ended when its UPID is returned). */
        public Builder taskDuration(Duration duration) {
            this.defaultTaskDuration = nonNegative(duration, "task duration");
            return this;
        }

        /** Duration of one task type ({@code qmclone}, {@code qmstart}, {@code resize}, {@code qmconfig}, …). */
        public Builder taskDuration(String taskType, Duration duration) {
            taskDurations.put(Objects.requireNonNull(taskType, "taskType"), nonNegative(duration, "task duration of " + taskType));
            return this;
        }

        /** Time from a guest being up (its sshd listening, with guest SSH) to its agent answering. */
        public Builder guestBootDelay(Duration delay) {
            this.guestBootDelay = nonNegative(delay, "guest boot delay");
            return this;
        }

        /** Time from the agent answering to the guest's IPv4 "DHCP lease" (before it: link-local IPv6 only). */
        public Builder guestDhcpDelay(Duration delay) {
            this.guestDhcpDelay = nonNegative(delay, "guest DHCP delay");
            return this;
        }

        /** Backs guests by real OpenSSH servers (absent: the agent reports addresses, nothing listens there). */
        public Builder guestSsh(GuestSsh ssh) {
            this.guestSsh = ssh;
            return this;
        }

        /**
         * With {@link #guestSsh}: each running guest is a network namespace on a private bridge with a DHCP-like
         * address and its own sshd on port 22 (see DESIGN.md "Netns guests"). Needs root; without it the simulator
         * logs why and falls back to loopback SSH guests.
         */
        public Builder netnsGuests(boolean enabled) {
            this.netnsGuests = enabled;
            return this;
        }

        public Builder seed(SeedVm... vms) {
            seeds.addAll(List.of(vms));
            return this;
        }

        /** Many VMs at once, e.g. {@code seed(SeedVm.batch(1000, 1000, "web"))}. */
        public Builder seed(Collection<SeedVm> vms) {
            seeds.addAll(vms);
            return this;
        }

        /**
         * Whether guests obey an ACPI power button. Default false: a {@code shutdown} reaches the guest only through a
         * configured, answering guest agent; otherwise it waits its {@code timeout} and fails "got timeout", the
         * behaviour the reference warns about (a guest that ignores ACPI, or is still booting).
         */
        public Builder acpiShutdown(boolean obeyed) {
            this.acpiShutdown = obeyed;
            return this;
        }

        /**
         * A vzdump backup on the first node, e.g. {@code backupArchive("local:backup/vzdump-qemu-9000-2024_01_01-00_00_00.vma.zst",
         * Map.of("name", "nixos", "memory", "2048", "scsi0", "local-lvm:vm-9000-disk-0,size=8G", …))}: restorable
         * with {@code POST /nodes/{node}/qemu archive=…}; {@code config} is the VM config it was made from
         * (values as {@code GET …/config} shows them).
         */
        public Builder backupArchive(String volid, Map<String, String> config) {
            return backupArchive(null, volid, config);
        }

        /** A backup on {@code node} (null: the first node); see {@link #backupArchive(String, Map)}. */
        public Builder backupArchive(String node, String volid, Map<String, String> config) {
            Objects.requireNonNull(config, "backup config");
            volumeSeeds.add(new VolumeSeed(node, volid, 512L * 1024 * 1024, new LinkedHashMap<>(config)));
            return this;
        }

        /**
         * A file volume on the first node's storage ({@code local:iso/x.iso}, {@code local:import/disk.qcow2},
         * {@code local:vztmpl/…tar.zst}) of {@code sizeBytes}, listed in its content and usable as {@code import-from}.
         */
        public Builder storageVolume(String volid, long sizeBytes) {
            volumeSeeds.add(new VolumeSeed(null, volid, sizeBytes, null));
            return this;
        }

        /** Reads {@code {"vms":[…]}} (see {@link SeedVm}) when the simulator starts. */
        public Builder seedFile(Path file) {
            seedFiles.add(Objects.requireNonNull(file, "seed file"));
            return this;
        }

        /**
         * Error bodies carry {@code message} (libpve-http-server-perl >= 5.2.0, default) or only {@code data: null}
         * and {@code errors} (older servers).
         */
        public Builder errorMessageInBody(boolean enabled) {
            this.errorMessageInBody = enabled;
            return this;
        }

        /**
         * 401 reason phrases say why ({@code invalid token value!}), as releases before 2026-01 did; default is the
         * current {@code Authentication failed!}.
         */
        public Builder detailedAuthFailures(boolean enabled) {
            this.detailedAuthFailures = enabled;
            return this;
        }

        /** The pve-manager version {@code /version} reports (default 9.1.2). */
        public Builder pveVersion(String version) {
            if (version == null || !version.matches("\\d+\\.\\d+(\\.\\d+|-\\d+)?")) {
                throw new IllegalArgumentException("PVE version must look like 9.1.2 or 7.4-16, got '" + version + "'");
            }
            this.pveVersion = version;
            return this;
        }

        /** Seed of the MAC address generator (runs with the same seed hand out the same MACs). */
        public Builder macSeed(long seed) {
            this.macSeed = seed;
            return this;
        }

        /** Arms fault switches from the start, e.g. {@code faults(f -> f.latency("config-write", Duration.ofMillis(50)))}. */
        public Builder faults(java.util.function.Consumer<dev.fleetplane.pvesim.faults.Faults> setup) {
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
    }
}
