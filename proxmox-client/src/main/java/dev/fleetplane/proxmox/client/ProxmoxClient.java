package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.proxmox.client.PveException.Failure;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Typed calls to the Proxmox VE API with token or ticket auth. Each call returns a record or throws a
 * {@link PveException} whose message names the operation, the URL and (for 401) the token id, never
 * the secret. Blocking: call it from worker threads, never from an event loop.
 */
public class ProxmoxClient implements AutoCloseable {

    private final PveConnection connection;
    private final PveApi api;
    private final TicketSession session; // null with an API token
    private final PveAccessApi access; // null with an API token
    private final PveUpload uploader;
    private java.net.http.HttpClient webSockets; // guarded by this; made at the first console socket
    private java.util.concurrent.ExecutorService webSocketThreads; // guarded by this
    private volatile PveCallListener listener = PveCallListener.NONE;

    ProxmoxClient(PveConnection connection, PveApi api, TicketSession session, PveAccessApi access) {
        this.uploader = new PveUpload(connection);
        this.connection = connection;
        this.api = api;
        this.session = session;
        this.access = access;
    }

    /**
     * Builds a client for {@code connection} (API token, or ticket login with user and password; TLS trust from a CA
     * file, a pinned fingerprint, or insecure); needs a running Quarkus application (the REST client runtime).
     */
    public static ProxmoxClient connect(PveConnection connection) {
        PveAccessApi access = null;
        TicketSession session = null;
        if (connection.ticketLogin()) {
            access = PveTransport.builder(connection).build(PveAccessApi.class);
            session = new TicketSession(connection, access);
        }
        PveApi api = PveTransport.builder(connection).register(new PveAuthFilter(connection, session)).build(PveApi.class);
        return new ProxmoxClient(connection, api, session, access);
    }

    public PveConnection connection() {
        return connection;
    }

    /** From now on, every API call this client finishes is told to {@code listener} (metrics); null: nobody. */
    public void listen(PveCallListener listener) {
        this.listener = listener == null ? PveCallListener.NONE : listener;
    }

    public PveVersion version() {
        return PveVersion.from(data(call("version", "GET", "/version"), api::version));
    }

    /** All guests ({@code qemu} and {@code lxc}) the token may see; one call for the whole cluster. */
    public List<ClusterVm> clusterVms() {
        PveCall c = call("inventory", "GET", "/cluster/resources?type=vm");
        return parse(c, () -> ClusterVm.listFrom(data(c, () -> api.clusterResources("vm"))));
    }

    /** Starts a clone of {@code sourceVmid}; the returned task ({@code qmclone}) does the copying. */
    public Upid clone(String node, int sourceVmid, CloneRequest request) {
        PveCall c = call("clone", "POST", "/nodes/" + node + "/qemu/" + sourceVmid + "/clone");
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("newid", Integer.toString(request.newId()));
        if (request.name() != null && !request.name().isBlank()) {
            form.putSingle("name", request.name());
        }
        form.putSingle("full", request.full() ? "1" : "0");
        if (request.targetStorage() != null && !request.targetStorage().isBlank()) {
            form.putSingle("storage", request.targetStorage());
        }
        return upid(c, () -> api.clone(node, sourceVmid, form));
    }

    public VmConfig config(String node, int vmid) {
        PveCall c = call("config-get", "GET", vmPath(node, vmid) + "/config");
        return parse(c, () -> VmConfig.from(data(c, () -> api.config(node, vmid))));
    }

    /** Synchronous config update ({@code PUT}); Proxmox answers once the config file is written. */
    public void updateConfig(String node, int vmid, Map<String, String> values) {
        PveCall c = call("config-put", "PUT", vmPath(node, vmid) + "/config");
        data(c, () -> api.putConfig(node, vmid, form(values)));
    }

    /** Asynchronous config update ({@code POST}), for hotplug or storage allocation: returns a {@code qmconfig} task. */
    public Upid updateConfigAsync(String node, int vmid, Map<String, String> values) {
        PveCall c = call("config-post", "POST", vmPath(node, vmid) + "/config");
        return upid(c, () -> api.postConfig(node, vmid, form(values)));
    }

    public Upid start(String node, int vmid) {
        PveCall c = call("start", "POST", vmPath(node, vmid) + "/status/start");
        return upid(c, () -> api.power(node, vmid, "start", new MultivaluedHashMap<>()));
    }

    /** Hard power-off. */
    public Upid stop(String node, int vmid) {
        PveCall c = call("stop", "POST", vmPath(node, vmid) + "/status/stop");
        return upid(c, () -> api.power(node, vmid, "stop", new MultivaluedHashMap<>()));
    }

    /**
     * Asks the guest to power off (agent {@code guest-shutdown} when the agent is enabled, else ACPI); the
     * {@code qmshutdown} task fails "got timeout" after {@code timeoutSeconds} unless {@code forceStop}.
     */
    public Upid shutdown(String node, int vmid, int timeoutSeconds, boolean forceStop) {
        PveCall c = call("shutdown", "POST", vmPath(node, vmid) + "/status/shutdown");
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("timeout", Integer.toString(timeoutSeconds));
        if (forceStop) {
            form.putSingle("forceStop", "1");
        }
        return upid(c, () -> api.power(node, vmid, "shutdown", form));
    }

    /**
     * Grows {@code disk} to {@code size} ({@code 64G} absolute, {@code +10G} relative); a {@code resize} task on
     * PVE 8+ (PVE 7 answered {@code null} synchronously: then the result is empty).
     */
    public java.util.Optional<Upid> resize(String node, int vmid, String disk, String size) {
        PveCall c = call("resize", "PUT", vmPath(node, vmid) + "/resize");
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("disk", disk);
        form.putSingle("size", size);
        JsonNode data = data(c, () -> api.resize(node, vmid, form));
        if (data == null || data.isNull()) {
            return java.util.Optional.empty();
        }
        if (!data.isTextual()) {
            throw redact(ResponseReader.bad(c, 200, "no task id where a UPID was expected: " + JsonFields.kind(data)));
        }
        try {
            return java.util.Optional.of(Upid.parse(data.asText()));
        } catch (IllegalArgumentException e) {
            throw redact(ResponseReader.bad(c, 200, e.getMessage()));
        }
    }

    public VmStatus status(String node, int vmid) {
        PveCall c = call("status", "GET", vmPath(node, vmid) + "/status/current");
        return parse(c, () -> VmStatus.from(data(c, () -> api.currentStatus(node, vmid)), vmid));
    }

    /** Destroys a stopped VM ({@code qmdestroy} task). */
    public Upid delete(String node, int vmid, boolean purge, boolean destroyUnreferencedDisks) {
        PveCall c = call("destroy", "DELETE", vmPath(node, vmid) + "?purge=" + (purge ? 1 : 0)
                + "&destroy-unreferenced-disks=" + (destroyUnreferencedDisks ? 1 : 0));
        return upid(c, () -> api.delete(node, vmid, purge ? 1 : 0, destroyUnreferencedDisks ? 1 : 0));
    }

    /** The guest agent's interfaces; agent failures come as {@code AGENT_NOT_CONFIGURED/RUNNING}, {@code VM_NOT_RUNNING}. */
    public List<GuestInterface> guestInterfaces(String node, int vmid) {
        PveCall c = call("agent-network", "GET", vmPath(node, vmid) + "/agent/network-get-interfaces");
        return parse(c, () -> GuestInterface.listFrom(data(c, () -> api.agentNetworkInterfaces(node, vmid))));
    }

    /** Status of a task; asked of the node in the UPID, where the task runs. */
    public TaskStatus taskStatus(Upid upid) {
        PveCall c = call("task-status", "GET", "/nodes/" + upid.node() + "/tasks/" + upid.value() + "/status");
        return parse(c, () -> TaskStatus.from(data(c, () -> api.taskStatus(upid.node(), upid.value()))));
    }

    /** Lines {@code start..start+limit} of a task log ({@code limit} 0 = all). */
    public TaskLog taskLog(Upid upid, int start, int limit) {
        PveCall c = call("task-log", "GET", "/nodes/" + upid.node() + "/tasks/" + upid.value() + "/log");
        return parse(c, () -> {
            JsonNode root = envelope(c, () -> api.taskLog(upid.node(), upid.value(), start, limit));
            return TaskLog.from(root, root.get("data"));
        });
    }

    /** The last {@code lines} lines of a task log (two calls: the total, then the tail). */
    public List<String> taskLogTail(Upid upid, int lines) {
        TaskLog head = taskLog(upid, 0, lines);
        if (head.total() <= lines) {
            return head.texts();
        }
        return taskLog(upid, head.total() - lines, lines).texts();
    }

    /** The lowest free VMID ({@code GET /cluster/nextid}); it is not reserved: a create or clone may still collide. */
    public int nextId() {
        PveCall c = call("nextid", "GET", "/cluster/nextid");
        return parse(c, () -> vmidFrom(data(c, () -> api.nextId(null))));
    }

    /** Whether {@code vmid} is free ({@code GET /cluster/nextid?vmid=N}: Proxmox answers 400 {@code errors.vmid} if taken). */
    public boolean vmidFree(int vmid) {
        PveCall c = call("nextid", "GET", "/cluster/nextid?vmid=" + vmid);
        try {
            parse(c, () -> vmidFrom(data(c, () -> api.nextId(vmid))));
            return true;
        } catch (PveException e) {
            if (e.httpStatus() == 400 && e.parameterErrors().containsKey("vmid")) {
                return false;
            }
            throw e;
        }
    }

    /** {@code nextid} answers a JSON string ("100"); a number is accepted too. */
    static int vmidFrom(JsonNode data) {
        if (data == null || !(data.isTextual() || data.isIntegralNumber())) {
            throw new JsonFields.BadShape("a VMID should be a string or number, got " + JsonFields.kind(data));
        }
        try {
            return Integer.parseInt(data.asText().trim());
        } catch (NumberFormatException e) {
            throw new JsonFields.BadShape("a VMID should be a number, got \"" + data.asText() + "\"");
        }
    }

    /** Reboots a running VM ({@code qmreboot}); a stopped VM is {@code VM_NOT_RUNNING}. {@code timeoutSeconds} may be null. */
    public Upid reboot(String node, int vmid, Integer timeoutSeconds) {
        PveCall c = call("reboot", "POST", vmPath(node, vmid) + "/status/reboot");
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        if (timeoutSeconds != null) {
            form.putSingle("timeout", Integer.toString(timeoutSeconds));
        }
        return upid(c, () -> api.power(node, vmid, "reboot", form));
    }

    /** Converts a stopped VM into a template ({@code qmtemplate}; disks become {@code base-<vmid>-disk-N}). */
    public Upid template(String node, int vmid) {
        PveCall c = call("template", "POST", vmPath(node, vmid) + "/template");
        return upid(c, () -> api.template(node, vmid, new MultivaluedHashMap<>()));
    }

    /**
     * Creates a VM from config keys ({@code qmcreate}): disks as {@code local-lvm:20} or
     * {@code local-lvm:0,import-from=local:import/x.qcow2}; a taken VMID is {@code ALREADY_EXISTS}.
     */
    public Upid createVm(String node, int vmid, Map<String, String> config) {
        PveCall c = call("create", "POST", "/nodes/" + node + "/qemu");
        MultivaluedMap<String, String> form = form(config);
        if (form.containsKey("vmid") || form.containsKey("archive")) {
            throw new IllegalArgumentException("create of VM " + vmid + ": config must not set 'vmid' or 'archive'"
                    + " (use restoreVm for archives)");
        }
        form.putSingle("vmid", Integer.toString(vmid));
        return upid(c, () -> api.create(node, form));
    }

    /** Restores a vzdump archive ({@code qmrestore}); a failed restore leaves the config (unlocked) behind. */
    public Upid restoreVm(String node, RestoreRequest request) {
        PveCall c = call("restore", "POST", "/nodes/" + node + "/qemu");
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("vmid", Integer.toString(request.vmid()));
        form.putSingle("archive", request.archive());
        if (request.storage() != null) {
            form.putSingle("storage", request.storage());
        }
        if (request.unique()) {
            form.putSingle("unique", "1");
        }
        if (request.force()) {
            form.putSingle("force", "1");
        }
        if (request.start()) {
            form.putSingle("start", "1");
        }
        return upid(c, () -> api.create(node, form));
    }

    /** A storage's volumes, optionally only one content type ({@code iso}, {@code backup}, {@code images}, …) or one VM's. */
    public List<StorageVolume> storageContent(String node, String storage, String content, Integer vmid) {
        StringBuilder q = new StringBuilder();
        if (content != null) {
            q.append("content=").append(content);
        }
        if (vmid != null) {
            q.append(q.length() > 0 ? "&" : "").append("vmid=").append(vmid);
        }
        PveCall c = call("storage-content", "GET", "/nodes/" + node + "/storage/" + storage + "/content"
                + (q.length() > 0 ? "?" + q : ""));
        return parse(c, () -> StorageVolume.listFrom(data(c, () -> api.storageContent(node, storage, content, vmid))));
    }

    /**
     * Uploads a file into a storage ({@code imgcopy} task; a checksum mismatch fails the task). Streams the file
     * over the JDK's {@code HttpURLConnection} (see {@link PveUpload} for why not the REST client); send it to the
     * node that owns the storage (uploads are not proxied).
     */
    public Upid upload(String node, String storage, UploadRequest request) {
        return upload(node, storage, request, sent -> { });
    }

    /**
     * As {@link #upload(String, String, UploadRequest)}; {@code progress} hears how many bytes of the file were sent
     * so far after each chunk, on the calling thread (it decides itself how often to report).
     */
    public Upid upload(String node, String storage, UploadRequest request, LongConsumer progress) {
        PveCall c = call("upload", "POST", "/nodes/" + node + "/storage/" + storage + "/upload");
        try {
            JsonNode data = uploader.send(c, request, session, progress).get("data");
            if (data == null || !data.isTextual()) {
                throw redact(ResponseReader.bad(c, 200, "no task id where a UPID was expected: " + JsonFields.kind(data)));
            }
            return Upid.parse(data.asText());
        } catch (IllegalArgumentException e) {
            throw redact(ResponseReader.bad(c, 200, e.getMessage()));
        } catch (PveException e) {
            throw redact(e);
        }
    }

    /** Pings the guest agent; returns when it answers, else {@code AGENT_NOT_CONFIGURED/RUNNING}, {@code VM_NOT_RUNNING}. */
    public void agentPing(String node, int vmid) {
        PveCall c = call("agent-ping", "POST", vmPath(node, vmid) + "/agent/ping");
        data(c, () -> api.agentPing(node, vmid, new MultivaluedHashMap<>()));
    }

    /**
     * Opens a serial console session ({@code vncproxy} task): connect to {@code vncwebsocket} on the same host within
     * seconds. {@code serial} ({@code serial0..3}) may be null (the VM's display or {@code vga: serialN}).
     */
    public TermProxy termproxy(String node, int vmid, String serial) {
        PveCall c = call("termproxy", "POST", vmPath(node, vmid) + "/termproxy");
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        if (serial != null) {
            form.putSingle("serial", serial);
        }
        return parse(c, () -> TermProxy.from(data(c, () -> api.termproxy(node, vmid, form))));
    }

    /**
     * Opens {@code GET …/vncwebsocket?port=&vncticket=} for a session {@link #termproxy} just started (reference
     * §5.3): with this client's auth (ticket cookie, renewed as for every call, or the token header; a token works
     * only on PVE 9.1 with qemu-server 9.1.7 or later, §5.5), its TLS trust and the {@code binary} subprotocol, at
     * the same host the termproxy call went to. Blocks until the upgrade is answered; connect at once, the VNC ticket
     * lives 40 s and termproxy waits 10 s. A refused upgrade is a {@link PveException} (401 {@code UNAUTHORIZED},
     * 403 {@code FORBIDDEN}); its message never holds a ticket.
     */
    public PveConsoleSocket vncWebSocket(String node, int vmid, TermProxy proxy, PveConsoleSocket.Listener listener) {
        return PveConsoleSocket.open(webSocketClient(), connection, session, node, vmid, proxy, listener);
    }

    // One JDK HTTP client for every console socket of this client: each HttpClient keeps a selector thread, so one
    // per socket would leave a thread behind each closed console until the garbage collector finds it.
    private synchronized java.net.http.HttpClient webSocketClient() {
        if (webSockets == null) {
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            webSocketThreads = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "pve-console-socket-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder()
                    .executor(webSocketThreads)
                    .connectTimeout(connection.connectTimeout());
            if ("https".equals(connection.baseUrl().getScheme())) {
                if (connection.insecure()) {
                    b.sslContext(PveReadOnlyClient.trustAllContext());
                } else {
                    PveTls tls = PveTls.of(connection);
                    if (tls.trustManager() != null) {
                        b.sslContext(tls.sslContext()); // pinned or CA file: the trust manager checks (or skips) the name
                    }
                }
            }
            webSockets = b.build();
        }
        return webSockets;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (webSocketThreads != null) {
                webSocketThreads.shutdownNow();
            }
        }
        api.close();
        if (access != null) {
            access.close();
        }
    }

    private PveCall call(String operation, String method, String path) {
        return new PveCall(operation, method, connection.baseUrl() + path, connection.principal());
    }

    private static String vmPath(String node, int vmid) {
        return "/nodes/" + node + "/qemu/" + vmid;
    }

    private static MultivaluedMap<String, String> form(Map<String, String> values) {
        MultivaluedMap<String, String> f = new MultivaluedHashMap<>();
        values.forEach(f::putSingle);
        return f;
    }

    private Upid upid(PveCall c, Supplier<Response> request) {
        JsonNode data = data(c, request);
        if (data == null || !data.isTextual()) {
            throw redact(ResponseReader.bad(c, 200, "no task id where a UPID was expected: " + JsonFields.kind(data)));
        }
        try {
            return Upid.parse(data.asText());
        } catch (IllegalArgumentException e) {
            throw redact(ResponseReader.bad(c, 200, e.getMessage()));
        }
    }

    private JsonNode data(PveCall c, Supplier<Response> request) {
        return envelope(c, request).get("data");
    }

    private JsonNode envelope(PveCall c, Supplier<Response> request) {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return exchange(c, request);
        } catch (PveException e) {
            outcome = e.failure() == null ? "error" : e.failure().code();
            throw e;
        } finally {
            listener.called(c.operation(), c.method(), outcome, java.time.Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private JsonNode exchange(PveCall c, Supplier<Response> request) {
        Response answer;
        try {
            TicketSession.Ticket used = session == null ? null : session.ensureFresh();
            answer = request.get();
            if (used != null && answer.getStatus() == 401) {
                // The ticket died early (node restarted, key rotated): log in once more. A 401 ran nothing, so
                // repeating even a POST is safe.
                answer.close();
                session.invalidate(used);
                session.ensureFresh();
                answer = request.get();
            }
        } catch (ProcessingException e) {
            throw transport(c, e);
        }
        Response r = answer;
        try (r) {
            String body;
            try {
                body = r.hasEntity() ? r.readEntity(String.class) : null;
            } catch (ProcessingException | IllegalStateException e) {
                throw transport(c, e);
            }
            return ResponseReader.envelope(c, r.getStatus(), r.getStatusInfo().getReasonPhrase(), body);
        } catch (PveException e) {
            throw redact(e);
        }
    }

    private <T> T parse(PveCall c, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (JsonFields.BadShape e) {
            throw redact(ResponseReader.bad(c, 200, "an unexpected shape: " + e.getMessage()));
        }
    }

    private PveException transport(PveCall c, Exception e) {
        return transportFailure(connection, c, e);
    }

    /** See {@link TransportFailure}: shared with the plain-Java {@link PveReadOnlyClient}. */
    static PveException transportFailure(PveConnection connection, PveCall c, Exception e) {
        return TransportFailure.of(connection, c, e);
    }

    private PveException redact(PveException e) {
        String m = e.getMessage();
        String clean = connection.redact(m);
        if (clean.equals(m)) {
            return e;
        }
        return new PveException(e.failure(), e.operation(), e.url(), e.httpStatus(), connection.redact(e.pveMessage()),
                e.parameterErrors(), e.upid(), e.exitStatus(), e.logTail(), clean, null);
    }
}
