package dev.fleetplane.pvesim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.pvesim.access.AclModel;
import dev.fleetplane.pvesim.access.PermissionChecks;
import dev.fleetplane.pvesim.access.PermissionsApi;
import dev.fleetplane.pvesim.access.Privileges;
import dev.fleetplane.pvesim.cluster.ClusterApi;
import dev.fleetplane.pvesim.console.QmTerminalEndpoint;
import dev.fleetplane.pvesim.console.SerialConsole;
import dev.fleetplane.pvesim.console.TermProxyApi;
import dev.fleetplane.pvesim.faults.Faults;
import dev.fleetplane.pvesim.guest.FileTrees;
import dev.fleetplane.pvesim.guest.NetnsGuests;
import dev.fleetplane.pvesim.guest.SshGuests;
import dev.fleetplane.pvesim.http.AccessApi;
import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiDispatcher;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiResponse;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.http.PveHttpServer;
import dev.fleetplane.pvesim.http.RawRequest;
import dev.fleetplane.pvesim.http.RequestLog;
import dev.fleetplane.pvesim.http.SelfSignedCertificate;
import dev.fleetplane.pvesim.http.TicketAuthority;
import dev.fleetplane.pvesim.http.TokenAuthenticator;
import dev.fleetplane.pvesim.nodessh.NodeSshEndpoint;
import dev.fleetplane.pvesim.nodessh.NodeSshd;
import dev.fleetplane.pvesim.qemu.DiskVolumes;
import dev.fleetplane.pvesim.qemu.GuestAddresses;
import dev.fleetplane.pvesim.qemu.GuestRuntime;
import dev.fleetplane.pvesim.qemu.Inventory;
import dev.fleetplane.pvesim.qemu.QemuApi;
import dev.fleetplane.pvesim.storage.StorageApi;
import dev.fleetplane.pvesim.storage.Storages;
import dev.fleetplane.pvesim.task.TaskApi;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A Proxmox VE API ({@code /api2/json}) for tests and demos: the real wire shape, tasks with UPIDs, locks, the
 * guest agent, and guests that can be real SSH endpoints. Build it ({@link #builder()}), start it, point a client at
 * {@link #url()}, close it. A JVM that ends without {@link #close()} (a SIGTERM, a Ctrl-C) closes it in a shutdown
 * hook, so no guest and no work directory outlives the process.
 */
public final class PveSimulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PveSimulator.class.getName());

    private final PveSimulatorBuilder config;
    private final Inventory inventory;
    private final TaskRunner tasks;
    private final GuestRuntime guests;
    private final SshGuests sshGuests; // null without guest SSH or with netns guests
    private final NetnsGuests netnsGuests; // null unless netnsGuests(true) on a machine that supports them
    private final Path workDir;
    private final Storages storages;
    private final Seeder seeder;
    private final Faults faults = new Faults();
    private final Thread shutdownHook = new Thread(this::close, "pvesim-shutdown");
    private PveHttpServer server;
    private PveHttpServer plainServer; // beside the HTTPS one, when https(true)
    private SelfSignedCertificate certificate; // null without https(true)
    private ApiDispatcher dispatcher;
    private TermProxyApi termProxy; // console sessions, closed with the simulator
    private SerialConsole serialConsole; // the VMs' serial lines, shared by termproxy and the nodes' qm terminal
    private QmTerminalEndpoint qmTerminal; // with PveSimulatorBuilder.nodeSsh: what the nodes' qm script talks to
    private RequestLog requestLog; // with PveSimulatorBuilder.requestLog
    private final Map<String, NodeSshd> nodeSshds = new java.util.concurrent.ConcurrentHashMap<>(); // with PveSimulatorBuilder.nodeSsh
    private boolean closed;

    PveSimulator(PveSimulatorBuilder b) {
        this.config = b;
        this.inventory = new Inventory(b.nodes, b.macSeed);
        this.tasks = new TaskRunner(b.defaultTaskDuration, b.taskDurations);
        faults.knownPrivileges(Privileges.of(b.pveVersion).all());
        b.faultSetup.forEach(setup -> setup.accept(faults));
        this.tasks.injectFailures(faults::taskFailure);
        this.inventory.defects(faults::newVmDefects);
        try {
            this.workDir = Files.createTempDirectory("fleetplane-pvesim-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the simulator's work directory", e);
        }
        this.storages = new Storages(workDir.resolve("storage"));
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
        this.seeder = new Seeder(inventory, storages, guests, sshGuests, b.guestBootDelay, b.guestDhcpDelay);
        // From here on there is a work directory to remove, whether or not start() is ever called.
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static PveSimulatorBuilder builder() {
        return new PveSimulatorBuilder();
    }

    /** Binds the API, seeds the VMs and boots seeded running guests; returns this. */
    public synchronized PveSimulator start() {
        if (closed) {
            throw new IllegalStateException("simulator closed");
        }
        if (server != null) {
            throw new IllegalStateException("simulator already started");
        }
        try {
            seeder.seed(config);
            ApiRouter router = new ApiRouter();
            new ClusterApi(inventory, config.pveVersion).register(router);
            new QemuApi(inventory, tasks, storages, guests, config.guestBootDelay, config.guestDhcpDelay,
                    config.acpiShutdown).register(router);
            Path uploads = workDir.resolve("uploads");
            DiskVolumes disks = new DiskVolumes(inventory);
            new StorageApi(disks, storages, tasks, uploads).register(router);
            serialConsole = new SerialConsole(inventory, guests);
            termProxy = new TermProxyApi(inventory, tasks, serialConsole);
            termProxy.register(router);
            new TaskApi(tasks).register(router);
            TicketAuthority tickets = new TicketAuthority(config.users, config.ticketLifetime);
            new AccessApi(tickets).register(router);
            TokenAuthenticator auth = new TokenAuthenticator(config.tokens, config.detailedAuthFailures, tickets);
            AclModel acl = new AclModel(Privileges.of(config.pveVersion), config.acls, faults::droppedPrivileges);
            new PermissionsApi(acl).register(router);
            dispatcher = new ApiDispatcher(router, auth, config.errorMessageInBody, this::checkPath,
                    new PermissionChecks(acl, disks::storagesOf));
            Function<RawRequest, ApiResponse> api = faults.around(dispatcher);
            if (config.requestLog != null) {
                requestLog = new RequestLog(config.requestLog);
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
            startNodeSshds();
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

    // Its own error, not start()'s "cannot start the simulator on host:port": the API is up, the node's sshd is not.
    private void startNodeSshds() {
        if (config.nodeSsh == null) {
            return;
        }
        NodeSsh n = config.nodeSsh;
        try {
            qmTerminal = QmTerminalEndpoint.start(serialConsole, this::vmResourcesJson);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the nodes' qm terminal endpoint on 127.0.0.1: " + e.getMessage(), e);
        }
        for (String node : inventory.nodes()) {
            try {
                nodeSshds.put(node, NodeSshd.start(node, workDir.resolve("nodes").resolve(node).resolve("ssh"),
                        dumpDir(node), n.authorizedKey(), n.sshd(), n.sshKeygen(), qmTerminal.port()));
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the SSH server of node " + node, e);
            }
        }
    }

    /**
     * Ends every console session attached to VM {@code vmid}'s serial line (termproxy websockets, the nodes' {@code qm
     * terminal}), as when QEMU's chardev socket closes under them: a test's way to drop a console from the far side.
     * Returns how many sessions ended. Only once started.
     */
    public int hangUpSerial(int vmid) {
        requireStarted();
        return serialConsole.hangUp(vmid);
    }

    /** The nodes' {@code pvesh get /cluster/resources --type vm}: the API's data for root, as a JSON array. */
    private String vmResourcesJson(boolean pretty) {
        ObjectMapper json = new ObjectMapper();
        try {
            List<Map<String, Object>> vms = ClusterApi.vmResources(inventory);
            return pretty ? json.writerWithDefaultPrettyPrinter().writeValueAsString(vms) : json.writeValueAsString(vms);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the VM list for pvesh", e);
        }
    }

    /**
     * Where a node's SSH server listens and how to trust it, with {@link PveSimulatorBuilder#nodeSsh}; empty without
     * it. Only once started.
     */
    public Optional<NodeSshEndpoint> nodeSsh(String node) {
        requireStarted();
        dumpDir(node); // an unknown node is an error, not "no SSH"
        return Optional.ofNullable(nodeSshds.get(node)).map(NodeSshd::endpoint);
    }

    private void checkPath(Map<String, String> pathParams) {
        String node = pathParams.get("node");
        if (node != null && !inventory.hasNode(node)) {
            throw ApiException.internal("hostname lookup '" + node + "' failed - failed to get address info for: "
                    + node + ": Name or service not known");
        }
        String vmid = pathParams.get("vmid");
        if (vmid != null) {
            var call = new ApiCall("GET", "", Map.of(), Map.of(), "");
            call.integer("vmid", vmid, Inventory.MIN_VMID, Inventory.MAX_VMID);
            call.check();
        }
    }

    /**
     * Adds VMs to a running simulator, as if someone had created them by hand (no API request is counted); running
     * ones are booted. Every entry is checked before any is created; a VMID that exists already is an error.
     */
    public synchronized PveSimulator seed(Collection<SeedVm> vms) {
        requireStarted();
        seeder.add(vms);
        return this;
    }

    /** The fault switches (latency, 5xx rate, lock contention, bad answers, …), live while the simulator runs. */
    public Faults faults() {
        return faults;
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:40123/api2/json}. */
    public String url() {
        return baseUrl() + ApiDispatcher.PREFIX;
    }

    /** {@code http://127.0.0.1:PORT}, or {@code https://…} with {@link PveSimulatorBuilder#https(boolean)}. */
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
     * that pin it. Only with {@link PveSimulatorBuilder#https(boolean)}.
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
            throw new IllegalStateException(what + " needs netns guests (PveSimulatorBuilder.netnsGuests(true), as root)");
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

    /**
     * {@code node}'s dump directory (Proxmox's {@code /var/lib/vz/dump}), created if missing: a
     * {@code vzdump-qemu-….vma[.zst|.gz|.lzo]} file copied in here (by SFTP or a test) is the backup volume
     * {@code local:backup/<name>}, listed and restorable from its real bytes.
     */
    public Path dumpDir(String node) {
        if (!inventory.nodes().contains(node)) {
            throw new IllegalArgumentException("no node '" + node + "' (nodes: " + inventory.nodes() + ")");
        }
        return storages.dumpDir(node);
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

    /**
     * Stops the API, then the tasks (waiting for running workers, so none boots a guest afterwards), then every guest
     * (sshd, sessions, network namespaces), and deletes the work directory. Idempotent; the shutdown hook calls it
     * too, and waits for a {@link #start()} under way to finish first, so what it boots is stopped as well.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
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
        nodeSshds.values().forEach(NodeSshd::close);
        if (qmTerminal != null) {
            qmTerminal.close();
        }
        tasks.close();
        guests.close();
        FileTrees.deleteTree(workDir);
        // Only now: a SIGTERM during this close must still find the hook, which waits on this monitor until the
        // close is done; removed first, the JVM would halt half-way (PveSimulatorMain closes on stdin EOF, and a
        // parent's Process.destroy() sends SIGTERM and closes the pipe at the same moment).
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: this is the hook, or it runs beside it
        }
    }

}
