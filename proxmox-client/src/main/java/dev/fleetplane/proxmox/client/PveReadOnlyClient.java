package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The read-only Proxmox calls (version, inventory, config, status, guest agent interfaces) for plain-Java callers
 * such as the CLI, which have no Quarkus runtime: {@link ProxmoxClient#connect} needs one (the Quarkus REST Client
 * refuses to build without ArC). Same parsing, typed failures and messages as {@link ProxmoxClient}: every answer
 * goes through {@link ResponseReader} and the records' readers; only the transport differs.
 *
 * <p>The transport is {@link HttpURLConnection}, not {@code java.net.http.HttpClient}, because Proxmox puts its
 * error text in the HTTP reason phrase and only {@code HttpURLConnection} exposes it.
 */
public final class PveReadOnlyClient {

    private final PveConnection connection;
    private final SSLSocketFactory tls; // null = the JVM's default trust store
    private final HostnameVerifier anyHost; // null = the JDK checks the host name

    private PveReadOnlyClient(PveConnection connection, SSLSocketFactory tls, HostnameVerifier anyHost) {
        this.connection = connection;
        this.tls = tls;
        this.anyHost = anyHost;
    }

    /**
     * A client for {@code connection} (API token auth only). HTTPS trust as {@link PveTls} decides for the
     * connection: a pinned fingerprint (host name not checked), a CA file (host name checked), {@code insecure}
     * (anything; callers warn), else the JVM's trust store.
     */
    public static PveReadOnlyClient connect(PveConnection connection) {
        if (connection.ticketLogin()) {
            throw new IllegalArgumentException("the read-only client authenticates with an API token, not a user and"
                    + " password (" + connection.principal() + ")");
        }
        if (!"https".equals(connection.baseUrl().getScheme())) {
            return new PveReadOnlyClient(connection, null, null);
        }
        if (connection.insecure()) {
            return new PveReadOnlyClient(connection, trustAll(), (host, session) -> true);
        }
        PveTls tls = PveTls.of(connection);
        if (tls.trustManager() == null) {
            return new PveReadOnlyClient(connection, null, null);
        }
        // A custom verifier replaces JSSE's endpoint identification; keep the default one where the name must match.
        return new PveReadOnlyClient(connection, tls.sslContext().getSocketFactory(),
                tls.verifyHost() ? null : (host, session) -> true);
    }

    public PveConnection connection() {
        return connection;
    }

    public PveVersion version() {
        PveCall c = call("version", "/version");
        return parse(c, () -> PveVersion.from(data(c)));
    }

    /** All guests ({@code qemu} and {@code lxc}) the token may see; one call for the whole cluster. */
    public List<ClusterVm> clusterVms() {
        PveCall c = call("inventory", "/cluster/resources?type=vm");
        return parse(c, () -> ClusterVm.listFrom(data(c)));
    }

    public VmConfig config(String node, int vmid) {
        PveCall c = call("config-get", vmPath(node, vmid) + "/config");
        return parse(c, () -> VmConfig.from(data(c)));
    }

    public VmStatus status(String node, int vmid) {
        PveCall c = call("status", vmPath(node, vmid) + "/status/current");
        return parse(c, () -> VmStatus.from(data(c), vmid));
    }

    /** A task's status ({@code GET /nodes/{node}/tasks/{upid}/status}), asked on the node the UPID names. */
    public TaskStatus taskStatus(Upid upid) {
        PveCall c = call("task-status", "/nodes/" + upid.node() + "/tasks/" + upid.value() + "/status");
        return parse(c, () -> TaskStatus.from(data(c)));
    }

    /** The guest agent's interfaces; agent failures come as {@code AGENT_NOT_CONFIGURED/RUNNING}, {@code VM_NOT_RUNNING}. */
    public List<GuestInterface> guestInterfaces(String node, int vmid) {
        PveCall c = call("agent-network", vmPath(node, vmid) + "/agent/network-get-interfaces");
        return parse(c, () -> GuestInterface.listFrom(data(c)));
    }

    /** {@code GET /access/permissions}: the caller's effective privileges on every path Proxmox lists. */
    public PvePermissions permissions() {
        PveCall c = call("permissions", "/access/permissions");
        return parse(c, () -> PvePermissions.from(data(c)));
    }

    /** {@code GET /access/permissions?path=…}: the caller's effective privileges on exactly that path. */
    public PvePermissions permissions(String path) {
        PveCall c = call("permissions", "/access/permissions?path=" + java.net.URLEncoder.encode(path,
                StandardCharsets.UTF_8));
        return parse(c, () -> PvePermissions.from(data(c)));
    }

    /** {@code GET /nodes/{node}/storage}: the node's storages the caller may audit. */
    public List<NodeStorage> storages(String node) {
        PveCall c = call("storage-list", "/nodes/" + node + "/storage");
        return parse(c, () -> NodeStorage.listFrom(data(c)));
    }

    /** {@code GET /nodes}: the cluster's node names (those the caller may audit). */
    public List<String> nodes() {
        PveCall c = call("node-list", "/nodes");
        return parse(c, () -> {
            JsonNode data = JsonFields.array(data(c), "node list");
            List<String> out = new java.util.ArrayList<>();
            for (JsonNode n : data) {
                String name = JsonFields.text(JsonFields.object(n, "a node entry"), "node");
                if (name != null) {
                    out.add(name);
                }
            }
            return List.copyOf(out);
        });
    }

    private PveCall call(String operation, String path) {
        return new PveCall(operation, "GET", connection.baseUrl() + path, connection.tokenId());
    }

    private static String vmPath(String node, int vmid) {
        return "/nodes/" + node + "/qemu/" + vmid;
    }

    private JsonNode data(PveCall c) {
        HttpURLConnection http;
        int status;
        String reason;
        String body;
        try {
            http = (HttpURLConnection) URI.create(c.url()).toURL().openConnection();
            if (http instanceof HttpsURLConnection https) {
                if (tls != null) {
                    https.setSSLSocketFactory(tls);
                }
                if (anyHost != null) {
                    https.setHostnameVerifier(anyHost);
                }
            }
            http.setRequestMethod(c.method());
            http.setInstanceFollowRedirects(false);
            http.setConnectTimeout((int) connection.connectTimeout().toMillis());
            http.setReadTimeout((int) connection.readTimeout().toMillis());
            http.setRequestProperty("Authorization", connection.authorization());
            http.setRequestProperty("Accept", "application/json");
            status = http.getResponseCode();
            reason = http.getResponseMessage();
            InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream();
            try (in) {
                body = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            throw TransportFailure.of(connection, c, e);
        }
        try {
            return ResponseReader.envelope(c, status, reason, body).get("data");
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

    private PveException redact(PveException e) {
        String m = e.getMessage();
        String clean = connection.redact(m);
        if (clean.equals(m)) {
            return e;
        }
        return new PveException(e.failure(), e.operation(), e.url(), e.httpStatus(), connection.redact(e.pveMessage()),
                e.parameterErrors(), e.upid(), e.exitStatus(), e.logTail(), clean, null);
    }

    /**
     * Accepts any certificate. An {@link X509ExtendedTrustManager} is used because JSSE then leaves the host name
     * check to it (a plain X509TrustManager would be wrapped and still check the name).
     */
    static SSLSocketFactory trustAll() {
        return trustAllContext().getSocketFactory();
    }

    /** {@link #trustAll()} as a context, for clients that take one ({@code java.net.http}). */
    static SSLContext trustAllContext() {
        TrustManager any = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {any}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
