package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** A small Proxmox API client for the simulator's integration tests: real HTTP through java.net.http. */
final class PveTestClient {

    static final String TOKEN_ID = "root@pam!fleetplane";
    static final String SECRET = "0b7e1c2d-1111-2222-3333-444455556666";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PveSimulator sim;
    private final String authorization;

    PveTestClient(PveSimulator sim) {
        this(sim, "PVEAPIToken=" + TOKEN_ID + "=" + SECRET);
    }

    PveTestClient(PveSimulator sim, String authorization) {
        this.sim = sim;
        this.authorization = authorization;
    }

    record Response(int status, JsonNode body, HttpResponse<String> raw) {
        JsonNode data() {
            return body.get("data");
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Response get(String path) {
        return send("GET", path, null);
    }

    Response post(String path, String... form) {
        return send("POST", path, form(form));
    }

    Response put(String path, String... form) {
        return send("PUT", path, form(form));
    }

    Response delete(String path) {
        return send("DELETE", path, null);
    }

    Response send(String method, String path, String formBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.url() + path)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (formBody != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
            b.method(method, HttpRequest.BodyPublishers.ofString(formBody));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
            return new Response(r.statusCode(), body, r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String form(String... pairs) {
        StringJoiner out = new StringJoiner("&");
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /** Polls the task every 20 ms (real clients poll every second) until it stops; returns its status. */
    JsonNode awaitTask(String node, String upid) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            Response r = get("/nodes/" + node + "/tasks/" + upid + "/status");
            if (r.status() != 200) {
                throw new AssertionError("task status of " + upid + " answered " + r.status() + " " + r.body());
            }
            if ("stopped".equals(r.data().get("status").asText())) {
                return r.data();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("task " + upid + " still running after 15 s");
            }
            sleep(20);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends one request over a plain socket and returns the status line and headers, because
     * java.net.http never exposes the reason phrase, which is where Proxmox puts its error text.
     */
    RawHead rawHead(String method, String path, String authorizationHeader) throws IOException {
        try (Socket s = new Socket("127.0.0.1", sim.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            StringBuilder req = new StringBuilder();
            req.append(method).append(' ').append("/api2/json").append(path).append(" HTTP/1.1\r\n");
            req.append("Host: 127.0.0.1\r\n");
            if (authorizationHeader != null) {
                req.append("Authorization: ").append(authorizationHeader).append("\r\n");
            }
            req.append("Content-Length: 0\r\n\r\n");
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String statusLine = in.readLine();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).toLowerCase(), line.substring(colon + 1).trim());
            }
            return new RawHead(statusLine, headers);
        }
    }

    record RawHead(String statusLine, Map<String, String> headers) {
    }
}
