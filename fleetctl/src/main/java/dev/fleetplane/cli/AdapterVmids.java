package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Free VMIDs from the running proxmox-adapter's REST API: {@code GET /api/v1/cluster/nextid} answers
 * {@code {"vmid": 113}}; with {@code ?vmid=N} 200 when N is free, 409 {@code {"error": ...}} when it is taken.
 */
final class AdapterVmids implements VmidSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdapterVmids(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    public int next() {
        HttpResponse<String> r = get("/api/v1/cluster/nextid");
        JsonNode body = parse(r);
        if (r.statusCode() != 200 || !body.path("vmid").canConvertToInt()) {
            throw failure("/api/v1/cluster/nextid", r, body);
        }
        return body.get("vmid").intValue();
    }

    @Override
    public boolean isFree(int vmid) {
        String path = "/api/v1/cluster/nextid?vmid=" + vmid;
        HttpResponse<String> r = get(path);
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 409) {
            return false;
        }
        throw failure(path, r, parse(r));
    }

    private HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the proxmox-adapter at " + baseUrl
                    + " (is `./fleetplane up` running? or pass --adapter URL / set FLEETPLANE_ADAPTER_URL)", e);
        } catch (IOException e) {
            throw new CliException("GET " + baseUrl + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    private CliException failure(String path, HttpResponse<String> r, JsonNode body) {
        return new CliException("GET " + baseUrl + path + " answered " + r.statusCode() + ": "
                + ServiceApi.describeError(body, r.body()));
    }

    private static JsonNode parse(HttpResponse<String> r) {
        try {
            return r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
