package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Bench-only: proxmox-client's upload path and task status for a driver without a Quarkus runtime.
 *
 * <p>Why this class sits in proxmox-client's package, inside the bench module: {@link ProxmoxClient#connect} builds
 * Quarkus REST clients and refuses to run without ArC, yet {@link ProxmoxClient#upload} never touches them (it streams
 * over {@link PveUpload}). The benchmark must time exactly that method, the one the adapter's UploadImage handler
 * calls, without changing the library for a measurement; the constructor it needs is package-private. The bench runs
 * on a plain class path (no module system), where a package split over two jars is legal. Nothing outside
 * {@code bench} may use this.
 */
public final class BenchPveAccess {

    private BenchPveAccess() {
    }

    /**
     * A {@link ProxmoxClient} of which only {@link ProxmoxClient#upload} works (API token only: a ticket session would
     * need the REST client to log in). Every other call, and {@code close()}, fails: do not close it.
     */
    public static ProxmoxClient uploadOnly(PveConnection connection) {
        if (connection.ticketLogin()) {
            throw new IllegalArgumentException("the bench uploads with an API token, not a user and password ("
                    + connection.principal() + ")");
        }
        return new ProxmoxClient(connection, null, null, null);
    }

    /**
     * {@code GET /nodes/{node}/tasks/{upid}/status} over {@link HttpURLConnection} with the connection's TLS trust
     * ({@link PveTls}: a pinned fingerprint does not check the host name), parsed by {@link TaskStatus}'s own reader.
     */
    public static TaskStatus taskStatus(PveConnection connection, Upid upid) {
        PveCall c = new PveCall("task-status", "GET", connection.baseUrl() + "/nodes/" + upid.node() + "/tasks/"
                + upid.value() + "/status", connection.principal());
        int status;
        String reason;
        String body;
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create(c.url()).toURL().openConnection();
            if (http instanceof HttpsURLConnection https) {
                PveTls trust = PveTls.of(connection);
                if (trust.trustManager() != null) {
                    SSLSocketFactory tls = trust.sslContext().getSocketFactory();
                    https.setSSLSocketFactory(tls);
                    if (!trust.verifyHost()) {
                        https.setHostnameVerifier((host, session) -> true);
                    }
                }
            }
            http.setRequestMethod("GET");
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
        JsonNode data = ResponseReader.envelope(c, status, reason, body).get("data");
        return TaskStatus.from(data);
    }
}
